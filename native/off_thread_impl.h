// Template body of RunOffThread (see off_thread.h).
#pragma once

#include <thread>

namespace rdkafka_napi {

template <typename Result>
struct OffThreadJob {
  Napi::Promise::Deferred deferred;
  std::function<Result()> work;
  std::function<Napi::Value(Napi::Env, Result&)> settle;
  Result result{};
  Napi::ThreadSafeFunction completion;

  explicit OffThreadJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

template <typename Result>
Napi::Promise RunOffThread(Napi::Env env, const char* name, std::function<Result()> work,
                           std::function<Napi::Value(Napi::Env, Result&)> settle) {
  auto* job = new OffThreadJob<Result>(env);
  job->work = std::move(work);
  job->settle = std::move(settle);
  Napi::Promise promise = job->deferred.Promise();
  // The completion function keeps the event loop alive until the job settles.
  job->completion = Napi::ThreadSafeFunction::New(env, Napi::Function(), name, 0, 1);

  std::thread([job]() {
    job->result = job->work();
    // Copied out first: once queued, the JS side owns and frees `job`.
    Napi::ThreadSafeFunction completion = job->completion;
    auto status = completion.BlockingCall(job, [](Napi::Env env, Napi::Function, OffThreadJob<Result>* done) {
      std::unique_ptr<OffThreadJob<Result>> owned(done);
      if (env == nullptr) return;  // environment shutting down: nothing to settle
      Napi::HandleScope scope(env);
      try {
        owned->deferred.Resolve(owned->settle(env, owned->result));
      } catch (const Napi::Error& error) {
        owned->deferred.Reject(error.Value());
      }
    });
    if (status != napi_ok) delete job;  // never queued: free it here
    completion.Release();
  }).detach();
  return promise;
}

}  // namespace rdkafka_napi
