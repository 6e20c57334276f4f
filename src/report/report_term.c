// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ptrace report on a terminal: a pager as git has one, and colour for
 * severities.  Piped output stays plain text, unpaged.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "report.h"

static pid_t pager_pid;

int report_color_parse(const char *when)
{
	if (!when || !strcmp(when, "always"))
		return 1;
	if (!strcmp(when, "never"))
		return 0;
	if (!strcmp(when, "auto"))
		return 2;
	return -1;
}

bool report_color_wanted(int when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when != 2)
		return when == 1;
	/* https://no-color.org: any non-empty value turns colour off */
	if (nc && *nc)
		return false;
	return isatty(STDOUT_FILENO) && term && strcmp(term, "dumb");
}

/* less -FRX: quit if one screen, raw colours, keep the screen (git's) */
static const char *pager_command(void)
{
	const char *p = getenv("PTRACE_PAGER");

	if (!p)
		p = getenv("PAGER");
	if (!p)
		p = "less -FRX";
	/* git's convention: an empty pager or "cat" means no pager */
	if (!*p || !strcmp(p, "cat"))
		return NULL;
	return p;
}

void report_pager_start(void)
{
	const char *cmd;
	int fds[2];

	if (!isatty(STDOUT_FILENO) || !(cmd = pager_command()))
		return;
	if (pipe(fds))
		return;
	fflush(stdout);
	pager_pid = fork();
	if (pager_pid < 0) {
		pager_pid = 0;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (!pager_pid) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		/* lv, as git sets it: pass colours through */
		setenv("LV", getenv("LV") ? getenv("LV") : "-c", 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	/* the reader quitting early is not an error of ours */
	signal(SIGPIPE, SIG_IGN);
}

void report_pager_end(void)
{
	int st;

	if (!pager_pid)
		return;
	fflush(stdout);
	fclose(stdout);
	while (waitpid(pager_pid, &st, 0) < 0 && errno == EINTR)
		;
	pager_pid = 0;
}
