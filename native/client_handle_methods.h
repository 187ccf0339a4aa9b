// The JS methods every client (Producer, Consumer, AdminClient) answers the
// same way, straight from its ClientHandle: written and registered once here.
// A client inherits ClientHandleMethods<Itself>, befriends it, and calls
// Register() on its method list in Define().
#pragma once

#include <napi.h>

#include <vector>

#include "client_handle.h"

namespace rdkafka_napi {

template <typename Wrapper>
class ClientHandleMethods {
 public:
  // Appends the methods below to a class's list under their JS names.
  static void Register(std::vector<Napi::ClassPropertyDescriptor<Wrapper>>& methods) {
    // A pointer to a member of this base converts to one of Wrapper, which
    // the runtime form of InstanceMethod takes (the template form cannot).
    using Method = Napi::Value (Wrapper::*)(const Napi::CallbackInfo&);
    auto add = [&methods](const char* name, Method method) {
      methods.push_back(Wrapper::InstanceMethod(name, method));
    };
    add("enableOAuthBearerTokenRefresh", &ClientHandleMethods::JsEnableTokenRefresh);
    add("setOAuthBearerToken", &ClientHandleMethods::JsSetToken);
    add("setOAuthBearerTokenFailure", &ClientHandleMethods::JsSetTokenFailure);
    add("fatalError", &ClientHandleMethods::JsFatalError);
    add("raiseFatalErrorForTesting", &ClientHandleMethods::JsRaiseFatalErrorForTesting);
  }

 protected:
  // OAUTHBEARER token provider (client_handle.h).
  Napi::Value JsEnableTokenRefresh(const Napi::CallbackInfo& info) { return Handle().EnableTokenRefresh(info); }
  Napi::Value JsSetToken(const Napi::CallbackInfo& info) { return Handle().SetToken(info); }
  Napi::Value JsSetTokenFailure(const Napi::CallbackInfo& info) { return Handle().SetTokenFailure(info); }
  // The fatal error raised on the handle, and the test-only way to raise one (client_handle.h).
  Napi::Value JsFatalError(const Napi::CallbackInfo& info) { return Handle().FatalError(info); }
  Napi::Value JsRaiseFatalErrorForTesting(const Napi::CallbackInfo& info) {
    return Handle().RaiseFatalErrorForTesting(info);
  }

 private:
  ClientHandle& Handle() { return static_cast<Wrapper*>(this)->handle_; }
};

}  // namespace rdkafka_napi
