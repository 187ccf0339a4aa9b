// Facts about the linked librdkafka: its version, property table and error
// table (the sources of the generated TypeScript types).
#pragma once

#include <napi.h>

namespace rdkafka_napi {

void RegisterLibraryInfo(Napi::Env env, Napi::Object exports);

}  // namespace rdkafka_napi
