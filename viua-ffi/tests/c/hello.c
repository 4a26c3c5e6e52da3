/* A native module written in C against viua_native.h (built by tests/c_module.rs). */
#include <string.h>

#include "viua_native.h"

static int32_t greet(viua_call *call, const viua_host_api *api) {
    const uint8_t *name;
    size_t len;
    if (api->arg_str(call, 0, &name, &len) != VIUA_OK) {
        static const char tag[] = "Greeting_error", msg[] = "nobody to greet";
        api->raise(call, (const uint8_t *)tag, strlen(tag), (const uint8_t *)msg, strlen(msg));
        return VIUA_RAISED;
    }
    api->write(call, VIUA_STDOUT, (const uint8_t *)"Hello, ", 7);
    api->write(call, VIUA_STDOUT, name, len);
    api->write(call, VIUA_STDOUT, (const uint8_t *)"!\n", 2);
    return VIUA_OK;
}

static int32_t add(viua_call *call, const viua_host_api *api) {
    int64_t a, b;
    if (api->arg_int(call, 0, &a) != VIUA_OK || api->arg_int(call, 1, &b) != VIUA_OK) {
        return VIUA_ERR_KIND; /* no exception raised: the VM reports the failure */
    }
    api->return_int(call, a + b);
    return VIUA_OK;
}

static int32_t version(viua_call *call, const viua_host_api *api) {
    api->return_int(call, (int64_t)api->abi_version * 1000 + (api->size == sizeof *api));
    return VIUA_OK;
}

static const viua_native_function functions[] = {
    {"hello::greet/1", greet, 0},
    {"hello::add/2", add, VIUA_FUNCTION_NONBLOCKING},
    {"hello::version/0", version, VIUA_FUNCTION_NONBLOCKING},
};

static const viua_module_descriptor module = {
    VIUA_NATIVE_ABI_VERSION,
    sizeof functions / sizeof functions[0],
    functions,
};

const viua_module_descriptor *viua_native_module(void) { return &module; }
