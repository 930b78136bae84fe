/* Load generator for the Local Fortune servers: keeps CONCURRENCY connections
 * in flight on a Unix-domain stream socket, reads each reply to end of stream,
 * checks it byte for byte against the expected replies, and reports fortunes/s
 * and latency percentiles as one line of JSON on stdout.
 *
 * One thread, one epoll set, non-blocking sockets: the generator's cost per
 * fortune is a socket(), a connect(), one or two read()s and a close(), so it
 * stays well below a Qt server's (run.py measures its ceiling against a
 * minimal C server and reports both processes' CPU time per fortune).
 *
 * Full listen backlog: a non-blocking connect() to a Unix stream socket whose
 * accept queue is full fails with EAGAIN (Qt 5.15's QLocalServer listens with a
 * backlog of 50, so at 64 connections in flight some attempts find it full).
 * Such a client waits and retries on the same socket, oldest first, as a
 * QLocalSocket client does. A failed connect() costs about as much as a good
 * one (the kernel allocates the peer socket before it finds the queue full),
 * so the generator does not spin on it: having seen EAGAIN with K connections
 * connected and unanswered, it retries once fewer than K are (the server has
 * since accepted at least one more), or after 1 ms without progress. The
 * server always has a full queue in front of it either way. A waiting
 * client's latency counts from its first attempt, as that client would see
 * it, and the failed attempts are reported ("eagain").
 *
 * Built by run.py with gcc -O2; usage:
 *   loadgen --path SOCKET --concurrency C --count N [--timeout-ms T] [--spin]
 *           --expect HEX [--expect HEX ...]
 * --spin polls epoll without sleeping, so that the server never pays to wake
 * the generator (on this VM a cross-CPU wake-up costs several microseconds,
 * charged to the process that writes). "wait_s" is the time spent in
 * epoll_wait, asleep or polling: the generator's idle time either way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_EXPECT 16
#define MAX_REPLY 4096

struct slot {
    int fd;
    int pending;        /* waiting to retry connect() after EAGAIN */
    uint64_t start;     /* first connect attempt, ns */
    size_t len;
    unsigned char buf[MAX_REPLY];
};

static unsigned char *expect[MAX_EXPECT];
static size_t expectLen[MAX_EXPECT];
static int nExpect;
static unsigned long long seen[MAX_EXPECT];

static struct sockaddr_un addr;
static socklen_t addrLen;
static int epfd;

static unsigned long long eagainCount, badReplies, ioErrors;
static long connectedOpen;           /* connected, reply not complete yet */
static long fullAt = -1;             /* connectedOpen when EAGAIN was last seen */
static char firstError[512];

static uint64_t nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void noteError(const char *what, struct slot *s)
{
    if (firstError[0])
        return;
    int n = snprintf(firstError, sizeof firstError, "%s", what);
    if (s && s->len) {
        n += snprintf(firstError + n, sizeof firstError - n, "; got %zu bytes:", s->len);
        for (size_t i = 0; i < s->len && i < 96 && n < (int)sizeof firstError - 4; ++i)
            n += snprintf(firstError + n, sizeof firstError - n, " %02x", s->buf[i]);
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void addExpect(const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 || nExpect == MAX_EXPECT || n / 2 > MAX_REPLY) {
        fprintf(stderr, "loadgen: bad --expect\n");
        exit(2);
    }
    unsigned char *b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; ++i) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "loadgen: bad hex in --expect\n");
            exit(2);
        }
        b[i] = (unsigned char)(hi * 16 + lo);
    }
    expect[nExpect] = b;
    expectLen[nExpect] = n / 2;
    ++nExpect;
}

/* 0: connected and registered; 1: backlog full, retry later; -1: error. */
static int tryConnect(struct slot *s, uint32_t index)
{
    if (connect(s->fd, (struct sockaddr *)&addr, addrLen) == 0) {
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = index};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
            noteError("epoll_ctl failed", NULL);
            return -1;
        }
        s->pending = 0;
        ++connectedOpen;
        return 0;
    }
    if (errno == EAGAIN) {
        ++eagainCount;
        fullAt = connectedOpen;
        s->pending = 1;
        return 1;
    }
    char msg[300];
    snprintf(msg, sizeof msg, "connect: %s", strerror(errno));
    noteError(msg, NULL);
    return -1;
}

/* A fresh socket for a new connection, whose clock starts now. */
static int openSlot(struct slot *s)
{
    s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        noteError("socket() failed", NULL);
        return -1;
    }
    s->len = 0;
    s->start = nowNs();
    return 0;
}

static int startSlot(struct slot *s, uint32_t index)
{
    if (openSlot(s) < 0)
        return -1;
    return tryConnect(s, index);
}

/* A new connection that joins the queue of waiting ones (the backlog was full
 * a moment ago and nobody has been let in since). */
static int deferSlot(struct slot *s)
{
    if (openSlot(s) < 0)
        return -1;
    s->pending = 1;
    return 1;
}

static int cmpU64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile(const uint64_t *sorted, size_t n, double p)
{
    if (!n)
        return 0.0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    if (i >= n)
        i = n - 1;
    return sorted[i] / 1000.0; /* microseconds */
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long concurrency = 1, count = 1000, timeoutMs = 10000;
    int spin = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--path") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--concurrency") && i + 1 < argc) concurrency = atol(argv[++i]);
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) count = atol(argv[++i]);
        else if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc) timeoutMs = atol(argv[++i]);
        else if (!strcmp(argv[i], "--expect") && i + 1 < argc) addExpect(argv[++i]);
        else if (!strcmp(argv[i], "--spin")) spin = 1;
        else {
            fprintf(stderr, "usage: loadgen --path SOCKET --concurrency C --count N "
                            "[--timeout-ms T] --expect HEX...\n");
            return 2;
        }
    }
    if (!path || concurrency < 1 || count < 1 || !nExpect || strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "loadgen: missing or bad arguments\n");
        return 2;
    }
    if (concurrency > count)
        concurrency = count;
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    addrLen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);

    struct slot *slots = calloc((size_t)concurrency, sizeof *slots);
    uint64_t *lat = malloc((size_t)count * sizeof *lat);
    struct epoll_event *events = malloc((size_t)concurrency * sizeof *events);
    /* FIFO of slots waiting to retry connect() (each slot at most once). */
    uint32_t *retryQ = malloc((size_t)concurrency * sizeof *retryQ);
    size_t rqHead = 0, rqLen = 0;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!slots || !lat || !events || !retryQ || epfd < 0) {
        fprintf(stderr, "loadgen: out of resources\n");
        return 2;
    }

    for (long i = 0; i < concurrency; ++i)
        slots[i].fd = -1;
    long launched = 0, done = 0;
    int failed = 0;
    uint64_t t0 = nowNs(), lastProgress = t0, waitNs = 0;
    for (long i = 0; i < concurrency && !failed; ++i) {
        ++launched;
        int r = startSlot(&slots[i], (uint32_t)i);
        if (r < 0) failed = 1;
        else if (r == 1) retryQ[(rqHead + rqLen++) % concurrency] = (uint32_t)i;
    }

    while (!failed && done < count) {
        uint64_t w0 = nowNs();
        int n = epoll_wait(epfd, events, (int)concurrency, spin ? 0 : rqLen ? 1 : 100);
        waitNs += nowNs() - w0;
        if (n < 0) {
            if (errno == EINTR) continue;
            noteError("epoll_wait failed", NULL);
            failed = 1;
            break;
        }
        long completed = 0;
        for (int e = 0; e < n && !failed; ++e) {
            uint32_t index = events[e].data.u32;
            struct slot *s = &slots[index];
            int eof = 0;
            for (;;) {
                ssize_t r = read(s->fd, s->buf + s->len, MAX_REPLY - s->len);
                if (r > 0) {
                    s->len += (size_t)r;
                    if (s->len == MAX_REPLY) {
                        noteError("reply too long", s);
                        ++badReplies;
                        failed = 1;
                        break;
                    }
                    continue;
                }
                if (r == 0) { eof = 1; break; }
                if (errno == EAGAIN) break;
                if (errno == EINTR) continue;
                char msg[300];
                snprintf(msg, sizeof msg, "read: %s", strerror(errno));
                noteError(msg, s);
                ++ioErrors;
                failed = 1;
                break;
            }
            if (failed || !eof)
                continue;
            uint64_t end = nowNs();
            int match = -1;
            for (int k = 0; k < nExpect; ++k)
                if (expectLen[k] == s->len && !memcmp(expect[k], s->buf, s->len)) { match = k; break; }
            if (match < 0) {
                noteError("reply matches none of the expected fortunes", s);
                ++badReplies;
                failed = 1;
                break;
            }
            ++seen[match];
            lat[done++] = end - s->start;
            ++completed;
            --connectedOpen;
            close(s->fd);
            s->fd = -1;
            if (launched < count) {
                ++launched;
                int r = (rqLen || connectedOpen >= fullAt) && fullAt >= 0
                            ? deferSlot(s) : startSlot(s, index);
                if (r < 0) failed = 1;
                else if (r == 1) retryQ[(rqHead + rqLen++) % concurrency] = index;
            }
        }
        /* Retry connections that found the backlog full, oldest first, while
         * fewer are open than when it was last full; or one after a quiet
         * millisecond. Stop at the first that still finds it full. */
        int quiet = (n == 0) && !spin;
        while (!failed && rqLen && (connectedOpen < fullAt || quiet)) {
            quiet = 0;
            uint32_t index = retryQ[rqHead];
            int r = tryConnect(&slots[index], index);
            if (r < 0) { failed = 1; break; }
            if (r == 1) break;
            rqHead = (rqHead + 1) % concurrency;
            --rqLen;
        }
        uint64_t now = nowNs();
        if (completed)
            lastProgress = now;
        else if (now - lastProgress > (uint64_t)timeoutMs * 1000000ull) {
            char msg[200];
            snprintf(msg, sizeof msg, "no reply completed for %ld ms (%ld of %ld done)",
                     timeoutMs, done, count);
            noteError(msg, NULL);
            failed = 1;
        }
    }
    uint64_t t1 = nowNs();
    for (long i = 0; i < concurrency; ++i)
        if (slots[i].fd >= 0)
            close(slots[i].fd);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double elapsed = (t1 - t0) / 1e9;
    qsort(lat, (size_t)done, sizeof *lat, cmpU64);
    double sum = 0;
    for (long i = 0; i < done; ++i)
        sum += lat[i] / 1000.0;

    printf("{\"ok\": %s, \"count\": %ld, \"requested\": %ld, \"concurrency\": %ld, "
           "\"elapsed_s\": %.6f, \"rate\": %.1f, "
           "\"p50_us\": %.2f, \"p90_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f, \"mean_us\": %.2f, "
           "\"eagain\": %llu, \"bad_replies\": %llu, \"io_errors\": %llu, "
           "\"cpu_user_s\": %.6f, \"cpu_sys_s\": %.6f, \"wait_s\": %.6f, \"spin\": %s, \"seen\": [",
           failed ? "false" : "true", done, count, concurrency, elapsed,
           elapsed > 0 ? done / elapsed : 0.0,
           percentile(lat, done, 0.50), percentile(lat, done, 0.90), percentile(lat, done, 0.99),
           done ? lat[done - 1] / 1000.0 : 0.0, done ? sum / done : 0.0,
           eagainCount, badReplies, ioErrors,
           ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, waitNs / 1e9, spin ? "true" : "false");
    for (int k = 0; k < nExpect; ++k)
        printf("%s%llu", k ? ", " : "", seen[k]);
    printf("], \"error\": \"");
    for (const char *p = firstError; *p; ++p) {
        if (*p == '"' || *p == '\\') putchar('\\');
        putchar(*p);
    }
    printf("\"}\n");
    return failed ? 1 : 0;
}
