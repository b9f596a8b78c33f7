// Waits until 50 ms from now in each way libfaketime does not convert on its own (.ci/faketime-waits.c),
// and prints how each ended. Under a shifted clock without that library, the first wait never ends.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct timespec in_50ms(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  t.tv_nsec += 50000000;
  if (t.tv_nsec >= 1000000000) { t.tv_sec += 1; t.tv_nsec -= 1000000000; }
  return t;
}

int main(void) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  struct timespec deadline = in_50ms(CLOCK_MONOTONIC);
  pthread_mutex_lock(&mutex);
  int cond_result = pthread_cond_clockwait(&cond, &mutex, CLOCK_MONOTONIC, &deadline);
  pthread_mutex_unlock(&mutex);
  printf("pthread_cond_clockwait: %s\n", cond_result == ETIMEDOUT ? "timed out" : "woken");
  fflush(stdout);

  sem_t sem;
  sem_init(&sem, 0, 0);
  deadline = in_50ms(CLOCK_MONOTONIC);
  int sem_result = sem_clockwait(&sem, CLOCK_MONOTONIC, &deadline) == -1 ? errno : 0;
  printf("sem_clockwait: %s\n", sem_result == ETIMEDOUT ? "timed out" : "woken");
  fflush(stdout);

  int word = 0;
  deadline = in_50ms(CLOCK_MONOTONIC);
  long futex_result = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, NULL, FUTEX_BITSET_MATCH_ANY) == -1 ? errno : 0;
  printf("futex FUTEX_WAIT_BITSET: %s\n", futex_result == ETIMEDOUT ? "timed out" : "woken");
  return 0;
}
