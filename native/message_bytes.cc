#include "message_bytes.h"

namespace rdkafka_napi {

bool ReadMessageBytes(napi_env env, napi_value value, std::string& scratch, BytesView* out) {
  // Buffers and Uint8Arrays first, in one call: it fails cheaply on anything
  // else, and it is the common case on the hot path. Other typed arrays are
  // refused, as src/validation.ts refuses them (one byte rule, src/native.ts).
  {
    napi_typedarray_type array_type;
    size_t element_count = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, value, &array_type, &element_count, &data, nullptr, nullptr) == napi_ok) {
      if (array_type != napi_uint8_array) return false;
      out->data = element_count == 0 ? "" : data;  // empty, not null: a zero-length value
      out->length = element_count;
      return true;
    }
  }
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  switch (type) {
    case napi_null:
    case napi_undefined:
      out->data = nullptr;
      out->length = 0;
      return true;
    case napi_string: {
      size_t length = 0;
      if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return false;
      scratch.resize(length + 1);  // room for the terminator napi always writes
      napi_get_value_string_utf8(env, value, scratch.data(), length + 1, &length);
      out->data = scratch.data();
      out->length = length;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace rdkafka_napi
