//! The FFI pool (RUNTIME.md §6.2): a foreign call that may block runs on tokio's blocking
//! thread pool while its process is parked; a semaphore of `VIUA_FFI_SCHEDULERS` permits
//! bounds how many run at once (the others wait in the semaphore's FIFO queue).
//! Asynchronous foreign code (e.g. `std::posix::network::read/1`) needs neither: it waits on
//! the runtime's reactor inside the process's task, holding no thread and no permit, so a
//! connection waiting for data never delays another process or another foreign call.

use super::Kernel;
use crate::exec::{ForeignDone, ForeignJob};

impl Kernel {
    /// Runs a foreign call off the process threads and returns its outcome.
    pub(crate) async fn run_foreign(&self, job: Box<ForeignJob>) -> Box<ForeignDone> {
        if job.function.is_async() {
            return Box::new(job.run_async().await);
        }
        let name = std::sync::Arc::clone(&job.call.name);
        let target = job.target;
        let permit = std::sync::Arc::clone(&self.ffi).acquire_owned().await;
        let running = self.runtime.spawn_blocking(move || {
            let _permit = permit;
            job.run()
        });
        match running.await {
            Ok(done) => Box::new(done),
            // `run` catches panics, so only a cancelled task (runtime shutting down) lands here.
            Err(e) => Box::new(ForeignDone {
                name,
                target,
                outcome: Err(e.to_string()),
            }),
        }
    }
}
