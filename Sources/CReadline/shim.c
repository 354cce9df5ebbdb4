// The signal flag and readline hooks need one definition each: `static` state in a header
// would be copied into every Swift object file that calls it, and the handler and the line
// editor would then watch different flags.
#include "CReadline.h"

static volatile sig_atomic_t cobranza_sigint_pending = 0;

static void cobranza_sigint_handler(int signo) {
    (void)signo;
    cobranza_sigint_pending = 1;
}

void cobranza_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cobranza_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a blocked read() must return EINTR
    sigaction(SIGINT, &action, NULL);
    // A launcher may hand us SIGINT blocked (a blocked mask is inherited across exec): Ctrl-C
    // and kill -INT would then stay pending for ever and never cancel anything.
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
}

int cobranza_take_sigint(void) {
    int pending = cobranza_sigint_pending;
    cobranza_sigint_pending = 0;
    return pending;
}

int cobranza_sigint_is_pending(void) { return cobranza_sigint_pending; }

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

void cobranza_readline_configure(const char *name, cobranza_completion_fn completer) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_getc_function = cobranza_getc;
    rl_attempted_completion_function = completer;
    rl_basic_word_break_characters = " \t\n\"'";
}

void cobranza_completion_done(void) { rl_attempted_completion_over = 1; }

char **cobranza_completion_matches(const char *text, cobranza_generator_fn generator) {
    return rl_completion_matches(text, generator);
}

const char *cobranza_line_buffer(void) { return rl_line_buffer; }
