/* shim.h — Linux calls that the Swift Glibc module leaves out because glibc declares them only under
   _GNU_SOURCE. The declaration is glibc's own (<unistd.h>, glibc 2.14 and later). */
#include <unistd.h>

extern int syncfs(int fd);

/// syncfs(2): writes every dirty page and inode of the file system holding `fd` and waits for it.
static inline int CLinux_syncfs(int fd) {
    return syncfs(fd);
}
