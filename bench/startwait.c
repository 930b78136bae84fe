/* Start-up timer: launches a program and measures the time from just before
 * fork() to
 *   --listen PATH  the first successful connect() to the Unix socket PATH
 *                  (polled every 200 us), and/or
 *   --map          the first MapNotify of a top-level window on the X display
 *                  in $DISPLAY (a private Xvfb: nobody else maps windows there),
 *   --exit         the program's own exit (for reference rows such as python -c pass),
 * then stops the program (SIGTERM, repeated, SIGKILL after 5 s) and prints one line of
 * JSON. --cpu N pins the program (not this timer) to CPU N.
 *   startwait [--cpu N] [--listen PATH] [--map] [--exit] [--timeout-ms T] -- PROGRAM ARGS...
 * Built by run.py with gcc -O2 (and -lX11 -DHAVE_X11 where Xlib's headers are).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_X11
#include <X11/Xlib.h>
#endif

static int64_t nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int canConnect(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    int ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

/* SIGTERM, repeated every 250 ms (a program may not be handling it yet at the
 * moment it becomes ready), SIGKILL after 5 s. Returns how many SIGTERMs it
 * took, 0 if the program had exited already, -1 if it had to be killed. */
static int stopChild(pid_t pid, int *status)
{
    if (waitpid(pid, status, WNOHANG) == pid)
        return 0;
    for (int terms = 1; terms <= 20; ++terms) {
        kill(pid, SIGTERM);
        for (int i = 0; i < 25; ++i) {
            if (waitpid(pid, status, WNOHANG) == pid)
                return terms;
            usleep(10000);
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return -1;
}

int main(int argc, char **argv)
{
    const char *listenPath = NULL;
    int wantMap = 0, wantExit = 0, cpu = -1;
    long timeoutMs = 20000;
    int i = 1;
    for (; i < argc; ++i) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc) listenPath = argv[++i];
        else if (!strcmp(argv[i], "--map")) wantMap = 1;
        else if (!strcmp(argv[i], "--exit")) wantExit = 1;
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) cpu = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc) timeoutMs = atol(argv[++i]);
        else if (!strcmp(argv[i], "--")) { ++i; break; }
        else {
            fprintf(stderr, "usage: startwait [--cpu N] [--listen PATH] [--map] [--exit] [--timeout-ms T] -- PROGRAM ARGS...\n");
            return 2;
        }
    }
    if (i >= argc || (!listenPath && !wantMap && !wantExit)) {
        fprintf(stderr, "startwait: nothing to launch or to wait for\n");
        return 2;
    }
#ifdef HAVE_X11
    Display *display = NULL;
    if (wantMap) {
        display = XOpenDisplay(NULL);
        if (!display) {
            printf("{\"ok\": false, \"error\": \"cannot open display\"}\n");
            return 1;
        }
        XSelectInput(display, DefaultRootWindow(display), SubstructureNotifyMask);
        XSync(display, False);
    }
#else
    if (wantMap) {
        printf("{\"ok\": false, \"error\": \"built without Xlib\"}\n");
        return 1;
    }
#endif
    int status0 = 0;
    int64_t t0 = nowNs();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        if (cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        execvp(argv[i], argv + i);
        _exit(127);
    }
    int64_t listenNs = -1, mapNs = -1, exitNs = -1;
    if (wantExit) {
        waitpid(pid, &status0, 0);
        exitNs = nowNs() - t0;
        int code0 = WIFEXITED(status0) ? WEXITSTATUS(status0) : -WTERMSIG(status0);
        printf("{\"ok\": %s, \"exit_ms\": %.3f, \"exit\": %d, \"error\": \"\"}\n",
               code0 == 0 ? "true" : "false", exitNs / 1e6, code0);
        return code0 == 0 ? 0 : 1;
    }
    const char *error = "";
    int status = 0, exitedEarly = 0;
    for (;;) {
        int64_t now = nowNs();
        if (listenPath && listenNs < 0 && canConnect(listenPath))
            listenNs = nowNs() - t0;
#ifdef HAVE_X11
        while (display && mapNs < 0 && XPending(display)) {
            XEvent event;
            XNextEvent(display, &event);
            if (event.type == MapNotify && !event.xmap.override_redirect)
                mapNs = nowNs() - t0;
        }
#endif
        if ((!listenPath || listenNs >= 0) && (!wantMap || mapNs >= 0))
            break;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            exitedEarly = 1;
            error = "the program exited before it was ready";
            break;
        }
        if (now - t0 > timeoutMs * 1000000ll) {
            error = "timed out";
            break;
        }
#ifdef HAVE_X11
        if (display && mapNs < 0 && !listenPath) {
            struct pollfd p = {.fd = ConnectionNumber(display), .events = POLLIN};
            poll(&p, 1, 5); /* woken by the X server's event; 5 ms to check the child */
            continue;
        }
#endif
        usleep(200);
    }
    int terms = exitedEarly ? 0 : stopChild(pid, &status);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    printf("{\"ok\": %s, \"listen_ms\": %.3f, \"map_ms\": %.3f, \"exit\": %d, "
           "\"sigterms\": %d, \"error\": \"%s\"}\n",
           *error ? "false" : "true", listenNs >= 0 ? listenNs / 1e6 : -1.0,
           mapNs >= 0 ? mapNs / 1e6 : -1.0, code, terms, error);
    return *error ? 1 : 0;
}
