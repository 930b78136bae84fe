/* Records a process's calls that attach to or lock shared memory, for the
   tests that count them from outside the process:

       gcc -shared -fPIC -o count_ipc_calls.so count_ipc_calls.c -ldl
       LD_PRELOAD=./count_ipc_calls.so IPC_CALLS=FILE program ...

   Each call of shmat, semop (System V: Qt 5's attach, lock, unlock and
   detach), shm_open or sem_open (POSIX: Qt 6's native keys) appends a line
   to FILE, "shmat ID", "semop ID", "shm_open NAME" or "sem_open NAME", and
   then goes to the C library's own function. Calls the C library makes
   inside itself, or that reach it through dlsym() on its own handle (as
   ctypes.CDLL("libc.so.6") does), are not seen. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

static void record(const char *call, const char *what)
{
    const char *path = getenv("IPC_CALLS");
    char line[512];
    int length, fd;
    if (path == NULL)
        return;
    length = snprintf(line, sizeof line, "%s %s\n", call, what);
    if (length < 0 || length >= (int)sizeof line)
        length = (int)sizeof line - 1;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    ssize_t written = write(fd, line, (size_t)length); /* a short one: the test fails */
    (void)written;
    close(fd);
}

static void recordId(const char *call, int id)
{
    char text[32];
    snprintf(text, sizeof text, "%d", id);
    record(call, text);
}

void *shmat(int shmid, const void *address, int flags)
{
    void *(*real)(int, const void *, int) =
        (void *(*)(int, const void *, int))dlsym(RTLD_NEXT, "shmat");
    recordId("shmat", shmid);
    return real(shmid, address, flags);
}

int semop(int semid, struct sembuf *operations, size_t count)
{
    int (*real)(int, struct sembuf *, size_t) =
        (int (*)(int, struct sembuf *, size_t))dlsym(RTLD_NEXT, "semop");
    recordId("semop", semid);
    return real(semid, operations, count);
}

int shm_open(const char *name, int flags, mode_t mode)
{
    int (*real)(const char *, int, mode_t) =
        (int (*)(const char *, int, mode_t))dlsym(RTLD_NEXT, "shm_open");
    record("shm_open", name);
    return real(name, flags, mode);
}

sem_t *sem_open(const char *name, int flags, ...)
{
    sem_t *(*real)(const char *, int, ...) =
        (sem_t *(*)(const char *, int, ...))dlsym(RTLD_NEXT, "sem_open");
    mode_t mode = 0;
    unsigned int value = 0;
    if (flags & O_CREAT) {
        va_list arguments;
        va_start(arguments, flags);
        mode = va_arg(arguments, mode_t);
        value = va_arg(arguments, unsigned int);
        va_end(arguments);
    }
    record("sem_open", name);
    return real(name, flags, mode, value);
}
