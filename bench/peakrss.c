/* Runs a command and writes its peak resident set size to a file:

       peakrss FILE COMMAND [ARGS...]

   FILE gets ru_maxrss (KiB) from wait4(). Linux counts into a process's
   peak the RSS of the process that forked it (its memory is the child's
   until exec), so the measuring parent must be small: this launcher, not a
   Python process with PyQt5 loaded. SIGTERM is passed on to the command;
   the command's exit status becomes this one's (128 + N for signal N). */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void passOn(int sig)
{
    kill(child, sig);
}

int main(int argc, char *argv[])
{
    if (argc < 3) {
        fprintf(stderr, "usage: peakrss FILE COMMAND [ARGS...]\n");
        return 2;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = passOn;
    sigaction(SIGTERM, &action, NULL);
    child = fork();
    if (child == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    if (child < 0) {
        perror("fork");
        return 2;
    }
    int status;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {
    }
    FILE *out = fopen(argv[1], "w");
    if (out == NULL || fprintf(out, "%ld\n", usage.ru_maxrss) < 0 || fclose(out) != 0) {
        perror(argv[1]);
        return 2;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
