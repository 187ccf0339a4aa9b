// Reads a message key/value/header argument (a Uint8Array, Buffer included;
// a string; or null) without allocating per call.
#pragma once

#include <node_api.h>

#include <string>

namespace rdkafka_napi {

struct BytesView {
  const void* data = nullptr;
  size_t length = 0;
};

// Returns false when the value is none of the accepted types. Strings are
// encoded as UTF-8 into `scratch`, which the view then points into.
bool ReadMessageBytes(napi_env env, napi_value value, std::string& scratch, BytesView* out);

}  // namespace rdkafka_napi
