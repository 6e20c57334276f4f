// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Output files, one policy (include/pt_outfile.h).
 *
 * ptrace runs as root and often writes into shared directories (/tmp,
 * a CI workspace): a symlink planted at the output path must not make it
 * overwrite another file, a FIFO must not block it forever after the
 * probes are attached, and the log must not be readable by others just
 * because the umask or an older file said so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pt_outfile.h"

static const char *kind_name(mode_t m)
{
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

static int refuse(const char *path, mode_t m, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: is %s: ptrace only writes regular files%s",
		 path, kind_name(m), S_ISLNK(m) ? " and never follows a symlink" : "");
	return S_ISLNK(m) ? -ELOOP : -EINVAL;
}

int pt_outfile_open(const char *path, unsigned int flags, bool *created,
		    char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	*created = false;
	/* the common case: a new file, created 0600 whatever the umask says */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  PT_OUTFILE_MODE);
	if (fd >= 0) {
		*created = true;
		/* the umask may have taken bits away, never added: force 0600 */
		if (fchmod(fd, PT_OUTFILE_MODE) == 0)
			return fd;
		e = errno;
		close(fd);
		unlink(path);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (errno != EEXIST) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	/* something is there: say what, before opening it has side effects */
	if (lstat(path, &st)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode))
		return refuse(path, st.st_mode, err, errlen);
	if (!(flags & PT_OUTFILE_REPLACE)) {
		snprintf(err, errlen, "%s: file exists, not overwritten", path);
		return -EEXIST;
	}
	/*
	 * It may have been swapped since lstat(): O_NOFOLLOW refuses a
	 * symlink, O_NONBLOCK keeps a FIFO from blocking the open, and
	 * fstat() below judges what was really opened.
	 */
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP)
			return refuse(path, S_IFLNK, err, errlen);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st)) {
		e = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(path, st.st_mode, err, errlen);
	}
	/* an old file keeps its mode through open(): the log promises 0600 */
	if (fchmod(fd, PT_OUTFILE_MODE) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) ||
	    ((flags & PT_OUTFILE_TRUNC) && ftruncate(fd, 0))) {
		e = errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	snprintf(err, errlen, "%s: %s", path, strerror(e));
	return -e;
}
