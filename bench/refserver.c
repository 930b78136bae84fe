/* The fastest server this benchmark can think of, used only to measure the
 * load generator's ceiling: a blocking accept() loop that writes one of the
 * expected replies (round robin) and closes. Same listen backlog as Qt 5.15's
 * QLocalServer (50). While clients keep coming it polls accept() without
 * sleeping, so that a client's connect() never has to wake it and what it
 * measures is the generator alone; after 5 ms without a client it sleeps in
 * poll(), so that it takes no CPU from the servers measured in between.
 * Exits on SIGTERM, removing its socket file.
 *   refserver --path SOCKET [--backlog N] --reply HEX [--reply HEX ...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

static unsigned char *reply[16];
static size_t replyLen[16];
static int nReply;

static volatile sig_atomic_t stop;
static void onTerm(int sig) { (void)sig; stop = 1; }

static long long nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int backlog = 50;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--path") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--backlog") && i + 1 < argc) backlog = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reply") && i + 1 < argc && nReply < 16) {
            const char *h = argv[++i];
            size_t n = strlen(h) / 2;
            reply[nReply] = malloc(n + 1);
            for (size_t k = 0; k < n; ++k)
                reply[nReply][k] = (unsigned char)(hexval(h[2 * k]) * 16 + hexval(h[2 * k + 1]));
            replyLen[nReply++] = n;
        } else {
            fprintf(stderr, "usage: refserver --path SOCKET [--backlog N] --reply HEX...\n");
            return 2;
        }
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!path || !nReply || strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "refserver: missing or bad arguments\n");
        return 2;
    }
    strcpy(addr.sun_path, path);
    struct sigaction sa = {.sa_handler = onTerm}; /* no SA_RESTART: accept() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hung up must not kill the server */
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, backlog) < 0) {
        perror("refserver");
        return 1;
    }
    unsigned long i = 0;
    long long lastClient = 0;
    while (!stop) {
        int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN && nowNs() - lastClient > 5000000ll) {
                struct pollfd p = {.fd = ls, .events = POLLIN};
                poll(&p, 1, -1); /* EINTR on SIGTERM */
                lastClient = nowNs();
                continue;
            }
            if (errno == EINTR || errno == EAGAIN) continue;
            perror("refserver: accept");
            break;
        }
        lastClient = nowNs();
        const unsigned char *r = reply[i % nReply];
        size_t n = replyLen[i % nReply];
        ++i;
        if (write(fd, r, n) != (ssize_t)n)
            perror("refserver: write");
        close(fd);
    }
    close(ls);
    unlink(path);
    return 0;
}
