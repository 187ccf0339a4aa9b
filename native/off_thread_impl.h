// Template body of RunOffThread (see off_thread.h).
#pragma once

#include <memory>
#include <mutex>
#include <thread>

namespace rdkafka_napi {

template <typename Result>
struct OffThreadJob {
  Napi::Promise::Deferred deferred;
  std::function<Result()> work;
  std::function<Napi::Value(Napi::Env, Result&)> settle;
  Result result{};
  napi_threadsafe_function completion = nullptr;

  // Hand-over between the work thread and an environment teardown that comes
  // first: node deletes the thread-safe function right after the cleanup
  // hooks, so the thread must not touch `completion` once `env_gone` is set.
  std::mutex mutex;
  bool env_gone = false;     // the cleanup hook ran (JS thread, teardown)
  bool handed_over = false;  // the thread queued the job: Complete frees it

  explicit OffThreadJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}

  // Teardown before the job was handed over: JS can no longer run, so the
  // promise stays pending; release `completion` on the thread's behalf (the
  // thread frees the job once its work returns).
  static void OnEnvTeardown(void* arg) {
    auto* job = static_cast<OffThreadJob*>(arg);
    std::lock_guard<std::mutex> lock(job->mutex);
    job->env_gone = true;
    if (!job->handed_over) napi_release_threadsafe_function(job->completion, napi_tsfn_release);
  }

  // JS thread: settles the promise and frees the job. env is null when the
  // environment is torn down with the job still queued: then it only frees it.
  // (A plain call_js: node-addon-api's lambda form skips its callback at
  // teardown, which would leak the job.)
  static void Complete(napi_env env, napi_value, void*, void* data) {
    std::unique_ptr<OffThreadJob> owned(static_cast<OffThreadJob*>(data));
    bool gone;
    {
      std::lock_guard<std::mutex> wait_for_thread(owned->mutex);  // it lets go right after queueing
      gone = owned->env_gone;
    }
    if (env == nullptr || gone) return;  // teardown: nothing can be settled any more
    napi_remove_env_cleanup_hook(env, &OffThreadJob::OnEnvTeardown, owned.get());
    Napi::HandleScope scope(env);
    try {
      owned->deferred.Resolve(owned->settle(Napi::Env(env), owned->result));
    } catch (const Napi::Error& error) {
      owned->deferred.Reject(error.Value());
    }
  }
};

template <typename Result>
Napi::Promise RunOffThread(Napi::Env env, const char* name, std::function<Result()> work,
                           std::function<Napi::Value(Napi::Env, Result&)> settle) {
  using Job = OffThreadJob<Result>;
  auto job = std::make_unique<Job>(env);
  job->work = std::move(work);
  job->settle = std::move(settle);
  Napi::Promise promise = job->deferred.Promise();
  // The completion function keeps the event loop alive until the job settles.
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, name), 0, 1,
                                                       nullptr, nullptr, nullptr, &Job::Complete, &job->completion);
  NAPI_THROW_IF_FAILED(env, status, promise);
  napi_add_env_cleanup_hook(env, &Job::OnEnvTeardown, job.get());

  std::thread([job = job.release()]() {
    job->result = job->work();
    job->work = nullptr;  // drops what the work held (a handle's last owner destroys it) on this thread
    std::unique_lock<std::mutex> lock(job->mutex);
    if (job->env_gone) {  // teardown came first: `completion` is gone, nobody else holds the job
      lock.unlock();
      delete job;
      return;
    }
    // napi_closing would only come at teardown, after the hook set env_gone.
    if (napi_call_threadsafe_function(job->completion, job, napi_tsfn_blocking) == napi_ok) job->handed_over = true;
    napi_release_threadsafe_function(job->completion, napi_tsfn_release);
  }).detach();
  return promise;
}

}  // namespace rdkafka_napi
