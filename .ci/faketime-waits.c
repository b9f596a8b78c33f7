// Preloaded beside libfaketime in CI's shifted-date pass (.ci/shifted): the waits libfaketime misses.
//
// libfaketime shifts CLOCK_MONOTONIC as well as the date (to about the shifted date in seconds, ~1.8e9 s),
// and converts back to the kernel's clocks the deadlines of the waits it interposes (pthread_cond_timedwait,
// clock_nanosleep, sem_timedwait, timer_settime...). Three ways to wait until an absolute time are not
// interposed (Debian's 0.9.10, and upstream as of 2026), so a shifted deadline reaches the kernel, whose
// monotonic clock is at the machine's uptime: the wait lasts decades, and ends only if something wakes it.
//   pthread_cond_clockwait  libstdc++'s std::condition_variable on steady_clock: libdatachannel's thread pool
//                           (node-datachannel, in the emulator and ivsrt publish/subscribe) runs its timers,
//                           among them DTLS handshake retransmissions, this way; chromium too.
//   sem_clockwait           CPython 3.11's lock acquire with a timeout (threading, moto, aiortc's helpers).
//   syscall(SYS_futex, FUTEX_WAIT_BITSET)  GStreamer's system clock: every clock wait of a live pipeline.
// Each is converted here the same way: kernel's now + (deadline - this process's now), where "this
// process's now" is libfaketime's clock_gettime, so the wait lasts what the program asked for.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// The functions these stand in front of, looked up on first use: other libraries' constructors (GLib's)
// already call syscall() before this library's own constructor would run.
#define REAL(name) \
  static __typeof__(name) *real_##name; \
  if (real_##name == NULL) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static long kernel_clock_gettime(clockid_t clock, struct timespec *now) {
  REAL(syscall);
  return real_syscall(SYS_clock_gettime, clock, now);
}

// The kernel's time at which `clock`, as this process sees it, reaches `deadline`.
static struct timespec kernel_deadline(clockid_t clock, const struct timespec *deadline) {
  struct timespec seen, kernel, out;
  clock_gettime(clock, &seen); // libfaketime's (shifted)
  kernel_clock_gettime(clock, &kernel);
  // A deadline decades away stands for "no time limit" (some callers pass one near the largest time_t):
  // it stays as it is, as far away for the kernel, and the sum below cannot overflow.
  if (deadline->tv_sec - seen.tv_sec > 1000000000LL) return *deadline;
  long long ns = (long long)(deadline->tv_sec - seen.tv_sec) * 1000000000LL + (deadline->tv_nsec - seen.tv_nsec) +
                 (long long)kernel.tv_sec * 1000000000LL + kernel.tv_nsec;
  if (ns < 0) ns = 0; // already due
  out.tv_sec = ns / 1000000000LL;
  out.tv_nsec = ns % 1000000000LL;
  return out;
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock, const struct timespec *deadline) {
  REAL(pthread_cond_clockwait);
  struct timespec kernel = kernel_deadline(clock, deadline);
  return real_pthread_cond_clockwait(cond, mutex, clock, &kernel);
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *deadline) {
  REAL(sem_clockwait);
  struct timespec kernel = kernel_deadline(clock, deadline);
  return real_sem_clockwait(sem, clock, &kernel);
}

// syscall() is variadic: read the six argument registers, as glibc's own syscall() does.
long syscall(long number, ...) {
  REAL(syscall);
  va_list ap;
  long a[6];
  va_start(ap, number);
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  struct timespec kernel;
  if (number == SYS_futex && (a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET && a[3] != 0) {
    kernel = kernel_deadline(a[1] & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, (const struct timespec *)a[3]);
    a[3] = (long)&kernel;
  }
  return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
