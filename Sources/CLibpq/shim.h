#ifndef COBRANZA_CLIBPQ_SHIM_H
#define COBRANZA_CLIBPQ_SHIM_H
// pkg-config supplies -I/usr/include/postgresql; the fallback keeps a build without pkg-config working.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#endif
