#ifndef COBRANZA_CREADLINE_H
#define COBRANZA_CREADLINE_H
// readline's configuration lives in C globals and its interrupt handling needs a real C signal
// handler; Swift reaches them only through these functions (defined once, in shim.c).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char **(*cobranza_completion_fn)(const char *text, int start, int end);
typedef char *(*cobranza_generator_fn)(const char *text, int state);

/// Installs the SIGINT handler without SA_RESTART, so a blocked read() in the line editor
/// returns EINTR and the editor can abandon the line instead of the process dying.
void cobranza_install_sigint_handler(void);
/// Returns whether Ctrl-C was pressed since the last call, and clears it.
int cobranza_take_sigint(void);
int cobranza_sigint_is_pending(void);

void cobranza_readline_configure(const char *name, cobranza_completion_fn completer);
/// Stops readline from falling back to file-name completion when we offer nothing.
void cobranza_completion_done(void);
char **cobranza_completion_matches(const char *text, cobranza_generator_fn generator);
const char *cobranza_line_buffer(void);
#endif
