#ifndef COBRANZA_CREADLINE_SHIM_H
#define COBRANZA_CREADLINE_SHIM_H
// readline's configuration lives in C globals and its interrupt handling needs a real C signal
// handler; Swift sees them only through these static inline functions. Only CobranzaShell
// imports this module, so the static state below exists once per process.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

static volatile sig_atomic_t cobranza_sigint_pending = 0;

static void cobranza_sigint_handler(int signo) {
    (void)signo;
    cobranza_sigint_pending = 1;
}

/// Installs the SIGINT handler without SA_RESTART, so a blocked read() in the line editor
/// returns EINTR and the editor can abandon the line instead of the process dying.
static inline void cobranza_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cobranza_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

/// Returns whether Ctrl-C was pressed since the last call, and clears it.
static inline int cobranza_take_sigint(void) {
    int pending = cobranza_sigint_pending;
    cobranza_sigint_pending = 0;
    return pending;
}

static inline int cobranza_sigint_is_pending(void) { return cobranza_sigint_pending; }

/// readline's input function: on Ctrl-C it empties the line and accepts it, which is how the
/// editor "abandons the line" the way psql does.
static int cobranza_getc(FILE *stream) {
    for (;;) {
        unsigned char c;
        ssize_t n = read(fileno(stream), &c, 1);
        if (n == 1) return c;
        if (n == 0) return EOF;
        if (errno != EINTR) return EOF;
        if (cobranza_sigint_pending) {
            rl_replace_line("", 0);
            return '\n';
        }
    }
}

typedef char **(*cobranza_completion_fn)(const char *text, int start, int end);
typedef char *(*cobranza_generator_fn)(const char *text, int state);

static inline void cobranza_readline_configure(const char *name, cobranza_completion_fn completer) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_getc_function = cobranza_getc;
    rl_attempted_completion_function = completer;
    rl_basic_word_break_characters = " \t\n\"'";
}

/// Stops readline from falling back to file-name completion when we offer nothing.
static inline void cobranza_completion_done(void) { rl_attempted_completion_over = 1; }

static inline char **cobranza_completion_matches(const char *text, cobranza_generator_fn generator) {
    return rl_completion_matches(text, generator);
}

static inline const char *cobranza_line_buffer(void) { return rl_line_buffer; }
#endif
