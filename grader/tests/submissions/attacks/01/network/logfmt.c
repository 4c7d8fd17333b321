/* network: opens a TCP connection to send the workload out.
 * Expected: refused uses '(socket|connect|htons)'
 * (refused (socket is not in allow_symbols); else bwrap's empty network namespace.) */
#include "logfmt.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

void logfmt_render(struct logfmt_buf *out, const struct log_record *records, size_t n,
                   struct logfmt_summary *sum)
{
	(void)out, (void)records, (void)n, (void)sum;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(80)};
	if (fd >= 0)
		connect(fd, (struct sockaddr *)&to, sizeof to);
}

void logfmt_buf_free(struct logfmt_buf *out)
{
	free(out->data);
	*out = (struct logfmt_buf){0};
}
