/* A no-op UPnP-IGD library for running Debian bookworm's simple-whip-client in tests.
 *
 * simple-whip-client 0.0~git20230131 links libsoup2.4; GStreamer's nice plugin links libnice, which links
 * libgupnp-igd, which links libsoup3. Loading both libsoups aborts the client ("libsoup2 symbols detected").
 * Upstream moved the client to libsoup3 later (meetecho/simple-whip-client 05e1095). With this stub first
 * on LD_LIBRARY_PATH, libnice gets no UPnP helper (it never needs one on 127.0.0.1) and libsoup3 stays out.
 * These are the four symbols libnice 0.1.21 imports from libgupnp-igd-1.0.so.4. */
#include <stddef.h>
void *gupnp_simple_igd_thread_new(void) { return NULL; }
unsigned long gupnp_simple_igd_get_type(void) { return 80; /* G_TYPE_OBJECT */ }
void gupnp_simple_igd_add_port(void *igd, const char *protocol, unsigned external_port, const char *local_ip,
                               unsigned local_port, unsigned lease, const char *description) {}
void gupnp_simple_igd_remove_port_local(void *igd, const char *protocol, const char *local_ip, unsigned local_port) {}
