/*
 * viua_native.h — the C ABI of viua-rs native modules, version 1.
 *
 * A native module is a shared library (`NAME.so`, found through VIUA_LIBRARY_PATH, where a
 * module name `a::b` maps to `a/b.so`) that exports one C symbol:
 *
 *     const viua_module_descriptor *viua_native_module(void);
 *
 * It returns a pointer to a descriptor with static lifetime. The VM reads `abi_version`
 * first (that field stays the first one in every future version) and rejects the module
 * unless it equals VIUA_NATIVE_ABI_VERSION; only then does it read the rest. A library
 * without the symbol is rejected the same way ("failed to extract interface from module").
 *
 * Every function of the table is called as
 *
 *     int32_t fn(viua_call *call, const viua_host_api *api);
 *
 * `call` is an opaque handle valid only during that invocation; `api` is the VM's table of
 * host functions (static lifetime; compare `api->abi_version`, `api->size` before using
 * members added in later versions). The function reads its arguments through `api`, sets
 * at most one return value, and returns VIUA_OK, or raises an exception with `api->raise`
 * and returns VIUA_RAISED. (Returning non-zero without raising makes the VM raise
 * `Exception: native function NAME failed`.) A function may run on any thread and may
 * block unless it is flagged VIUA_FUNCTION_NONBLOCKING. It must not unwind (C++ exceptions,
 * Rust panics) out of the call; host functions never unwind into the module either.
 *
 * Arguments are indexed 0, 1, ... < arg_count. A slot may be empty (VIUA_KIND_EMPTY). Byte
 * views returned by the host (`arg_str`, `arg_bytes`, `arg_type_name`) stay valid until the
 * function returns; they are not NUL-terminated.
 *
 * The Rust crate `viua-native` wraps all of this (safe `Call` type, `viua_native::module!`).
 */
#ifndef VIUA_NATIVE_H
#define VIUA_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIUA_NATIVE_ABI_VERSION 1u

/* Return codes of native functions and of host functions that can fail. */
#define VIUA_OK 0
#define VIUA_RAISED 1
/* Host functions: the argument is missing/empty or has another kind; or a host error. */
#define VIUA_ERR_KIND 2
#define VIUA_ERR_HOST 3

/* Argument kinds (arg_kind). Kinds the ABI has no accessor for read as VIUA_KIND_OTHER;
 * their `str` and type name are still available. */
#define VIUA_KIND_EMPTY 0
#define VIUA_KIND_INTEGER 1
#define VIUA_KIND_FLOAT 2
#define VIUA_KIND_BOOLEAN 3
#define VIUA_KIND_STRING 4
#define VIUA_KIND_TEXT 5
#define VIUA_KIND_ATOM 6
#define VIUA_KIND_POINTER 7
#define VIUA_KIND_OTHER 8

/* Streams for write. */
#define VIUA_STDOUT 1
#define VIUA_STDERR 2

/* Function flags. */
#define VIUA_FUNCTION_NONBLOCKING 1u /* never blocks: may run on the caller's thread */

typedef struct viua_call viua_call;   /* opaque: one call in progress */
typedef struct viua_value viua_value; /* opaque: a value owned by the module */

typedef struct viua_host_api {
    uint32_t abi_version; /* VIUA_NATIVE_ABI_VERSION of the VM */
    uint32_t size;        /* sizeof(viua_host_api) as the VM knows it */

    size_t (*arg_count)(const viua_call *call);
    int32_t (*arg_kind)(const viua_call *call, size_t i);
    /* Integer / Float / Boolean arguments (a Boolean is stored as 0 or 1). */
    int32_t (*arg_int)(const viua_call *call, size_t i, int64_t *out);
    int32_t (*arg_float)(const viua_call *call, size_t i, double *out);
    int32_t (*arg_bool)(const viua_call *call, size_t i, int32_t *out);
    /* The bytes of a String, Text or Atom argument. */
    int32_t (*arg_bytes)(viua_call *call, size_t i, const uint8_t **data, size_t *len);
    /* `str` (the print form) of any non-empty argument, pointers seen through. */
    int32_t (*arg_str)(viua_call *call, size_t i, const uint8_t **data, size_t *len);
    /* The type name of any non-empty argument (e.g. "Integer"). */
    int32_t (*arg_type_name)(viua_call *call, size_t i, const uint8_t **data, size_t *len);
    /* Moves argument i out (the slot becomes empty); NULL if it was empty. The module owns
     * the value and must give it back with return_value or free it with value_free. */
    viua_value *(*arg_take)(viua_call *call, size_t i);
    void (*value_free)(viua_value *value);

    /* Return values: each replaces an earlier one of the same call. */
    void (*return_int)(viua_call *call, int64_t v);
    void (*return_float)(viua_call *call, double v);
    void (*return_bool)(viua_call *call, int32_t v);
    void (*return_string)(viua_call *call, const uint8_t *data, size_t len);
    /* VIUA_ERR_KIND (and nothing returned) unless data is valid UTF-8. */
    int32_t (*return_text)(viua_call *call, const uint8_t *data, size_t len);
    /* Takes ownership of value (from arg_take). */
    void (*return_value)(viua_call *call, viua_value *value);

    /* Raises TAG: MESSAGE in the calling process (after the function returns). */
    void (*raise)(viua_call *call, const uint8_t *tag, size_t tag_len, const uint8_t *msg,
                  size_t msg_len);
    /* Writes one piece to the VM's standard output or error, in order with `print`. */
    int32_t (*write)(viua_call *call, int32_t stream, const uint8_t *data, size_t len);
} viua_host_api;

typedef int32_t (*viua_native_fn)(viua_call *call, const viua_host_api *api);

typedef struct viua_native_function {
    const char *name; /* NUL-terminated UTF-8, full name with arity: "World::print_hello/0" */
    viua_native_fn code;
    uint32_t flags; /* VIUA_FUNCTION_* */
} viua_native_function;

typedef struct viua_module_descriptor {
    uint32_t abi_version; /* must be VIUA_NATIVE_ABI_VERSION; always the first field */
    uint32_t function_count;
    const viua_native_function *functions;
} viua_module_descriptor;

/* The one symbol a module exports. */
const viua_module_descriptor *viua_native_module(void);

#ifdef __cplusplus
}
#endif

#endif /* VIUA_NATIVE_H */
