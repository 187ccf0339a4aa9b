// Template body of RunOffThread (see off_thread.h).
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "kafka_error.h"

namespace rdkafka_napi {

template <typename Work, typename Settle>
struct OffThreadJob {
  using Result = std::invoke_result_t<Work&>;

  Napi::Promise::Deferred deferred;
  std::optional<Work> work;  // reset on the thread right after it ran
  Settle settle;
  std::optional<Result> result;
  napi_threadsafe_function completion = nullptr;

  // Hand-over between the work thread and an environment teardown that comes
  // first: node deletes the thread-safe function right after the cleanup
  // hooks, so the thread must not touch `completion` once `env_gone` is set.
  std::mutex mutex;
  bool env_gone = false;     // the cleanup hook ran (JS thread, teardown)
  bool handed_over = false;  // the thread queued the job: Complete frees it

  OffThreadJob(Napi::Env env, Work&& work_in, Settle&& settle_in)
      : deferred(Napi::Promise::Deferred::New(env)), work(std::move(work_in)), settle(std::move(settle_in)) {}

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
      owned->deferred.Resolve(owned->settle(Napi::Env(env), *owned->result));
    } catch (const Napi::Error& error) {
      try {
        owned->deferred.Reject(error.Value());
      } catch (const Napi::Error&) {
        // JS cannot run any more (a worker being terminated): nobody is left to settle for.
      }
    }
  }

  // Work thread: runs the work, then queues the job for Complete (or frees it
  // when the environment went away meanwhile).
  static void Run(OffThreadJob* job) {
    job->result.emplace((*job->work)());
    job->work.reset();  // drops what the work held (a handle's last owner destroys it) on this thread
    std::unique_lock<std::mutex> lock(job->mutex);
    if (job->env_gone) {  // teardown came first: `completion` is gone, nobody else holds the job
      lock.unlock();
      delete job;
      return;
    }
    // napi_closing would only come at teardown, after the hook set env_gone.
    if (napi_call_threadsafe_function(job->completion, job, napi_tsfn_blocking) == napi_ok) job->handed_over = true;
    napi_release_threadsafe_function(job->completion, napi_tsfn_release);
  }
};

template <typename Work, typename Settle>
Napi::Promise RunOffThread(Napi::Env env, const char* name, Work work, Settle settle) {
  using Job = OffThreadJob<Work, Settle>;
  auto job = std::make_unique<Job>(env, std::move(work), std::move(settle));
  Napi::Promise promise = job->deferred.Promise();
  auto reject = [&](const std::string& why) {
    job->deferred.Reject(MakeKafkaError(env, RD_KAFKA_RESP_ERR__FAIL,
                                        std::string("Cannot run ") + name + " off the event loop: " + why));
  };
  // The completion function keeps the event loop alive until the job settles.
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, name), 0, 1,
                                                       nullptr, nullptr, nullptr, &Job::Complete, &job->completion);
  if (status != napi_ok) {
    reject("no thread-safe function could be created");
    return promise;
  }
  napi_add_env_cleanup_hook(env, &Job::OnEnvTeardown, job.get());
  try {
    std::thread(&Job::Run, job.get()).detach();
  } catch (const std::system_error& error) {
    // The thread never started: nothing else holds the job, undo and reject.
    napi_remove_env_cleanup_hook(env, &Job::OnEnvTeardown, job.get());
    napi_release_threadsafe_function(job->completion, napi_tsfn_abort);
    reject(error.what());
    return promise;
  }
  job.release();  // the thread owns it now
  return promise;
}

}  // namespace rdkafka_napi
