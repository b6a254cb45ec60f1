//! Runs the secmap component in wasmtime, so that a hostile payload can neither take the
//! host's memory nor hang it.
//!
//! The component (built by `secmap-component-build` and embedded in this crate as [`COMPONENT`]) is
//! compiled once per [`Mapper`]; every call then runs in a fresh store, so nothing a call
//! does survives it, with a cap on the guest's linear memory and a deadline enforced by
//! epoch interruption. Instances come from wasmtime's pooling allocator, whose memory slots
//! are reserved once and reset with `madvise`: a fresh instance (instantiate and drop)
//! costs about 4 µs instead of the 16 µs of mapping and unmapping a memory per call.
//! (Keeping slots resident and zeroing them with `memset` measured slower: see
//! `docs/performance.md`.) Hosts that map many trusted or already-vetted payloads can trade
//! some of that isolation for throughput with [`Mapper::batch`]: one instance for up to N
//! calls, a fresh one after any error. The host sees typed errors: the component's own
//! [`TransformError`] apart from [`HostError::Timeout`], [`HostError::OutOfMemory`], other
//! traps and load failures.
//!
//! The [`json`] module converts outputs and errors into the core's types, which serialize
//! exactly as the core does (`serde_json::to_value(output.report())`), so that the golden
//! files compare across engines, and reads options with the core's serde.
//!
//! # Example
//!
//! ```
//! use secmap_host::{Limits, Mapper, wit};
//!
//! let mapper = Mapper::new(Limits::default())?;
//! let example = &mapper.providers()?[0].examples[0];
//! let out = mapper.transform("auto", example.payload.as_bytes(), &secmap_host::default_options())?;
//! assert!(!out.events.is_empty());
//! assert!(matches!(out.outcomes[0].outcome, wit::Outcome::Mapped(_)));
//! # Ok::<(), secmap_host::HostError>(())
//! ```

#![deny(missing_docs)]

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ResourceLimiter, Store,
    Trap,
};

pub mod json;

// Generated host bindings for `wit/secmap.wit`.
#[allow(unsafe_code, missing_docs, missing_debug_implementations)]
mod bindings {
    wasmtime::component::bindgen!({ world: "secmap", path: "../../wit" });
}

/// The types of the WIT interface `secmap:mapping/delivery` (the delivery engine's export;
/// the CLI uses the engine natively, tests drive this one).
pub use bindings::exports::secmap::mapping::delivery as delivery_wit;
/// The types of the WIT interface `secmap:mapping/mapper` (options, output, errors).
pub use bindings::exports::secmap::mapping::mapper as wit;
/// The generated world, for tools that instantiate [`Mapper::component`] in stores of their
/// own (the benchmark's memory probe); calls in production go through [`Mapper`].
pub use bindings::{Secmap, SecmapPre};
pub use wit::{Options, Output, ProviderInfo, TransformError};

/// The secmap component, as built by `secmap-component-build` when this crate was compiled.
pub static COMPONENT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/secmap.wasm"));

/// The WIT interface the component exports.
pub const INTERFACE: &str = "secmap:mapping/mapper@0.1.0";

/// How often the epoch advances; deadlines are rounded up to it.
const TICK: Duration = Duration::from_millis(10);

/// The pool's cap on one linear memory: wasm32's whole address space, so that only
/// [`Limits::memory_bytes`] decides (through the limiter, which reports it).
const POOL_MEMORY_BYTES: usize = 4 << 30;

/// The core's default `maxPayloadBytes` (64 MiB) and `maxEvents` (250,000), from which
/// the default memory limit is sized.
pub const CORE_MAX_PAYLOAD_BYTES: u64 = 64 << 20;
/// See [`CORE_MAX_PAYLOAD_BYTES`].
pub const CORE_MAX_EVENTS: u32 = 250_000;

/// The guest memory that maps any payload the core accepts under these limits, as
/// measured (docs/robustness.md, "Guest memory for the component"):
///
/// **2 × `maxPayloadBytes` + 3 KiB × `maxEvents` + 64 MiB**, at most 4 GiB (wasm32).
///
/// The payload is copied in and parsed record by record (one copy, plus the record being
/// mapped); each event is held until the call ends, then written as JSON (2.3 KB per
/// event measured on GuardDuty container events carrying their share of the original
/// content, the heaviest case: 677 MiB for 250,000); 64 MiB covers the rest (outcomes,
/// code, allocator slack). Rounded up to whole MiB; with the core's defaults: 925 MiB.
/// The JSON of the events is bounded by the core's `maxOutputBytes` (640 MiB by default),
/// which this holds: payloads at that limit need 759 MiB. A host raising it must add as
/// much memory.
pub const fn memory_bytes_for(max_payload_bytes: u64, max_events: u32) -> usize {
    let bytes = 2 * (max_payload_bytes as u128) + 3 * 1024 * (max_events as u128) + (64 << 20);
    // Whole MiB, as `--memory` takes it.
    let bytes = bytes.div_ceil(1 << 20) << 20;
    if bytes > 4 << 30 {
        4 << 30
    } else {
        bytes as usize
    }
}

/// What one call may consume.
///
/// Defaults: the guest memory the core's default limits need ([`memory_bytes_for`]: 925
/// MiB, of which a call touches only what it uses) and 10 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes of linear memory the guest may have, the payload copy included. A call
    /// that needs more fails with [`HostError::OutOfMemory`].
    pub memory_bytes: usize,
    /// Longest a call may run, instantiation included; a longer one fails with
    /// [`HostError::Timeout`]. Measured in ticks of 10 ms, rounded up; zero fails at once.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_bytes: memory_bytes_for(CORE_MAX_PAYLOAD_BYTES, CORE_MAX_EVENTS),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Options with every field `none`: the core's defaults.
pub fn default_options() -> Options {
    Options {
        original_content: None,
        original_content_max_bytes: None,
        report_unmapped: None,
        skip_sample_findings: None,
        now: None,
        limits: None,
    }
}

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum HostError {
    /// The component refused the payload as a whole (unknown provider, not JSON, over a
    /// limit, ...): its own typed error, with the location.
    Transform(TransformError),
    /// The call ran past [`Limits::timeout`] and was interrupted.
    Timeout {
        /// The timeout that was exceeded.
        limit: Duration,
    },
    /// The guest needed more than [`Limits::memory_bytes`] of memory.
    OutOfMemory {
        /// The memory limit that was hit.
        limit: usize,
    },
    /// The guest trapped for another reason (a bug in secmap), or the call failed.
    Trap(String),
    /// The component could not be compiled or prepared (a broken build).
    Load(String),
}

impl HostError {
    /// A stable kebab-case code: the component's error code, or `timeout`,
    /// `out-of-memory`, `trap`, `load`.
    pub fn code(&self) -> &'static str {
        match self {
            HostError::Transform(e) => json::error_code(e.code),
            HostError::Timeout { .. } => "timeout",
            HostError::OutOfMemory { .. } => "out-of-memory",
            HostError::Trap(_) => "trap",
            HostError::Load(_) => "load",
        }
    }

    /// What went wrong, lowercase, without the location.
    pub fn message(&self) -> String {
        match self {
            HostError::Transform(e) => e.message.clone(),
            HostError::Timeout { limit } => format!("the call ran longer than {limit:?}"),
            HostError::OutOfMemory { limit } => {
                format!("the call needed more than {limit} bytes of memory")
            }
            HostError::Trap(m) => format!("the component trapped: {m}"),
            HostError::Load(m) => format!("the component cannot be loaded: {m}"),
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())?;
        if let HostError::Transform(e) = self {
            f.write_str(&location(e))?;
        }
        Ok(())
    }
}

impl std::error::Error for HostError {}

/// Where an error is, as the core's `Display` says it: ` (at /pointer, line 3 column 17)`,
/// ` (at /pointer)`, ` (at line 3 column 17)`, or nothing. The root pointer `""` is left
/// out: it says nothing the record's own position does not.
pub fn location(error: &TransformError) -> String {
    let pointer = error.pointer.as_deref().filter(|p| !p.is_empty());
    match (pointer, error.line, error.column) {
        (Some(p), Some(l), Some(c)) => format!(" (at {p}, line {l} column {c})"),
        (Some(p), _, _) => format!(" (at {p})"),
        (None, Some(l), Some(c)) => format!(" (at line {l} column {c})"),
        _ => String::new(),
    }
}

/// The secmap component, compiled and ready to run calls under [`Limits`].
///
/// Cloning is cheap and shares the compiled code; so does [`Mapper::with_limits`].
/// A `Mapper` is `Send + Sync`: calls on several threads run in their own stores. At most
/// [`Mapper::slots`] calls run at once (twice the cores, 4 to 64); more wait for a slot.
#[derive(Clone)]
pub struct Mapper {
    shared: Arc<Shared>,
    limits: Limits,
}

struct Shared {
    engine: Engine,
    component: Component,
    pre: bindings::SecmapPre<State>,
    slots: Slots,
}

/// A counting semaphore over the pool's instance slots: wasmtime fails an instantiation
/// when the pool is full, so a call waits for a slot instead.
struct Slots {
    total: u32,
    free: Mutex<u32>,
    freed: Condvar,
}

struct Slot<'a>(&'a Slots);

/// A slot held across calls by a [`Batch`]'s live instance; released when dropped.
struct OwnedSlot(Arc<Shared>);

impl Drop for OwnedSlot {
    fn drop(&mut self) {
        self.0.slots.release();
    }
}

impl Slots {
    fn new(total: u32) -> Slots {
        Slots {
            total,
            free: Mutex::new(total),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Slot<'_> {
        self.take();
        Slot(self)
    }

    /// Waits for a free slot and takes it.
    fn take(&self) {
        // The counter stays consistent even if a holder panicked: take it back.
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
    }

    fn release(&self) {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.freed.notify_one();
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Concurrent calls one `Mapper` allows: enough to keep every core busy while some calls
/// wait on the host, few enough that the pool's reservation stays small.
fn default_slots() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(u32::MAX).clamp(4, 64)
}

/// The engine configuration: epoch deadlines, and a pooling allocator with `slots`
/// instances. The secmap component has one memory; besides its main core instance and
/// table, the `delivery` interface's resource adds wit-component's shim and fixup
/// instances (with a table of their own), so core instances and tables get a few per slot.
fn engine_config(slots: u32) -> Config {
    const CORE_INSTANCES_PER_COMPONENT: u32 = 4;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        .total_core_instances(slots * CORE_INSTANCES_PER_COMPONENT)
        .total_memories(slots)
        .total_tables(slots * CORE_INSTANCES_PER_COMPONENT)
        .max_memory_size(POOL_MEMORY_BYTES);
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    config
}

impl fmt::Debug for Mapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapper")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Mapper {
    /// Compiles the embedded [`COMPONENT`].
    ///
    /// # Errors
    /// [`HostError::Load`] when it does not compile or link (a broken build).
    pub fn new(limits: Limits) -> Result<Mapper, HostError> {
        Mapper::from_component(COMPONENT, limits)
    }

    /// Compiles a secmap component given as bytes.
    ///
    /// Starts a thread that advances the engine's epoch every 10 ms; it ends when the last
    /// clone of this `Mapper` is dropped.
    ///
    /// # Errors
    /// [`HostError::Load`] when the bytes are not a component, or it needs imports (the
    /// secmap component has none).
    pub fn from_component(bytes: &[u8], limits: Limits) -> Result<Mapper, HostError> {
        let load = |e: wasmtime::Error| HostError::Load(format!("{e:#}"));
        let slots = default_slots();
        let engine = Engine::new(&engine_config(slots)).map_err(load)?;
        let component = Component::new(&engine, bytes).map_err(load)?;
        let linker = Linker::<State>::new(&engine);
        let pre = linker
            .instantiate_pre(&component)
            .and_then(bindings::SecmapPre::new)
            .map_err(load)?;
        let weak = engine.weak();
        std::thread::Builder::new()
            .name("secmap-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(TICK);
                }
            })
            .map_err(|e| HostError::Load(format!("cannot start the epoch thread: {e}")))?;
        Ok(Mapper {
            shared: Arc::new(Shared {
                engine,
                component,
                pre,
                slots: Slots::new(slots),
            }),
            limits,
        })
    }

    /// The same compiled component under other limits.
    #[must_use]
    pub fn with_limits(&self, limits: Limits) -> Mapper {
        Mapper {
            shared: Arc::clone(&self.shared),
            limits,
        }
    }

    /// The limits of every call.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The wasmtime engine the component is compiled for.
    pub fn engine(&self) -> &Engine {
        &self.shared.engine
    }

    /// The compiled component.
    pub fn component(&self) -> &Component {
        &self.shared.component
    }

    /// How many calls may run at once; more wait for one of them to end.
    pub fn slots(&self) -> u32 {
        self.shared.slots.total
    }

    /// Maps one payload (see `transform` in `wit/secmap.wit`).
    ///
    /// # Errors
    /// [`HostError::Transform`] when the payload fails as a whole; a bad record inside a
    /// readable payload is a `rejected` outcome instead. [`HostError::Timeout`],
    /// [`HostError::OutOfMemory`] or [`HostError::Trap`] when the call was stopped.
    pub fn transform(
        &self,
        provider: &str,
        payload: &[u8],
        options: &Options,
    ) -> Result<Output, HostError> {
        self.call(|s, store| s.call_transform(store, provider, payload, options))?
            .map_err(HostError::Transform)
    }

    /// The providers the component supports, with their bundled examples.
    ///
    /// # Errors
    /// Only when the call was stopped (see [`Mapper::transform`]).
    pub fn providers(&self) -> Result<Vec<ProviderInfo>, HostError> {
        self.call(|s, store| s.call_providers(store))
    }

    /// The version of the mappings, stamped into every event.
    ///
    /// # Errors
    /// Only when the call was stopped (see [`Mapper::transform`]).
    pub fn mapping_version(&self) -> Result<String, HostError> {
        self.call(|s, store| s.call_mapping_version(store))
    }

    /// Calls that share instances: up to `reuse` calls run in one instance, then the next
    /// call gets a fresh one; so does the call after any error (a refused payload, a trap,
    /// a timeout, memory). `reuse` 1 (or 0) is exactly [`Mapper::transform`]'s isolation.
    ///
    /// The trade-off: a fresh instance per call (the default everywhere) costs ~25 µs and
    /// guarantees that nothing of one payload is in memory while another is mapped. With
    /// reuse, the guest's linear memory (freed, not zeroed) and any state a bug left behind
    /// survive into the next call of the same instance; the limits still hold per call
    /// (the deadline is set per call; the memory cap is on the instance, and a call that
    /// ran out of memory in a reused instance is retried once in a fresh one). Use it for
    /// payloads of one trust domain, e.g. one tenant's files in one CLI run.
    pub fn batch(&self, reuse: u32) -> Batch {
        Batch {
            mapper: self.clone(),
            reuse: reuse.max(1),
            live: None,
            instances: 0,
        }
    }

    /// A new store under the limits (memory limiter, epoch deadline).
    fn store(&self) -> Store<State> {
        let mut store = Store::new(
            &self.shared.engine,
            State {
                limiter: MemoryLimiter {
                    limit: self.limits.memory_bytes,
                    denied: false,
                },
            },
        );
        store.limiter(|s| &mut s.limiter);
        store.set_hostcall_fuel(hostcall_fuel(self.limits.memory_bytes));
        store.set_epoch_deadline(deadline_ticks(self.limits.timeout));
        store.epoch_deadline_trap();
        store
    }

    /// Runs `f` on a new instance in a new store under the limits.
    fn call<R>(
        &self,
        f: impl FnOnce(&wit::Guest, &mut Store<State>) -> wasmtime::Result<R>,
    ) -> Result<R, HostError> {
        // Declared before the store, so it is released after the store gives its instance
        // back to the pool.
        let _slot = self.shared.slots.acquire();
        let mut store = self.store();
        let result = self
            .shared
            .pre
            .instantiate(&mut store)
            .and_then(|instance| f(instance.secmap_mapping_mapper(), &mut store));
        result.map_err(|e| self.classify(&e, store.data().limiter.denied))
    }

    fn classify(&self, error: &wasmtime::Error, memory_denied: bool) -> HostError {
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => HostError::Timeout {
                limit: self.limits.timeout,
            },
            // The guest aborts (or fails to lower the payload) when it cannot grow its
            // memory; the limiter saw why.
            _ if memory_denied => HostError::OutOfMemory {
                limit: self.limits.memory_bytes,
            },
            _ => HostError::Trap(format!("{error:#}")),
        }
    }
}

/// How many bytes the host may allocate to copy one call's result out of the guest.
///
/// wasmtime caps what it lifts out of a call ("hostcall fuel", 128 MiB by default) to guard
/// the host against a guest returning an endless list; 250,000 events of a call within the
/// core's limits are more than that, and the call failed with a trap ("fuel allocated for
/// hostcalls has been exhausted"). What the guest returns lies in its linear memory, which
/// [`Limits::memory_bytes`] already caps; lifted, a list element takes up to about four
/// times its guest size (a `String` is 24 bytes on the host, 8 in the guest), so the cap
/// follows the memory limit.
fn hostcall_fuel(memory_bytes: usize) -> usize {
    memory_bytes.saturating_mul(4).max(128 << 20)
}

/// Ticks until the deadline: the timeout rounded up, plus one because the current tick
/// is partly over; zero stays zero (fail at the first check). Capped so that wasmtime's
/// `current epoch + ticks` cannot overflow.
fn deadline_ticks(timeout: Duration) -> u64 {
    const MAX: u64 = u64::MAX / 2;
    if timeout.is_zero() {
        return 0;
    }
    let ticks = timeout.as_nanos().div_ceil(TICK.as_nanos()) + 1;
    u64::try_from(ticks).map_or(MAX, |t| t.min(MAX))
}

/// Calls through shared instances: see [`Mapper::batch`].
pub struct Batch {
    mapper: Mapper,
    reuse: u32,
    live: Option<Live>,
    instances: u64,
}

/// An instance kept for the next call. The store drops before the slot is released, as in
/// [`Mapper::call`].
struct Live {
    store: Store<State>,
    instance: bindings::Secmap,
    calls: u32,
    _slot: OwnedSlot,
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("reuse", &self.reuse)
            .field("instances", &self.instances)
            .field("live_calls", &self.live.as_ref().map(|l| l.calls))
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// Maps one payload, as [`Mapper::transform`] does, in the batch's current instance
    /// (or a fresh one: the first call, every `reuse` calls, after an error).
    ///
    /// # Errors
    /// As [`Mapper::transform`]. The instance is dropped after any error.
    pub fn transform(
        &mut self,
        provider: &str,
        payload: &[u8],
        options: &Options,
    ) -> Result<Output, HostError> {
        let reused = self.live.is_some();
        match self.call(provider, payload, options) {
            // A reused instance's memory holds earlier calls' high-water mark and
            // fragments: give the payload the fresh instance it would have had alone.
            Err(HostError::OutOfMemory { .. }) if reused => self.call(provider, payload, options),
            other => other,
        }
    }

    /// Instances this batch has created so far.
    pub fn instances(&self) -> u64 {
        self.instances
    }

    fn call(
        &mut self,
        provider: &str,
        payload: &[u8],
        options: &Options,
    ) -> Result<Output, HostError> {
        let mapper = &self.mapper;
        let mut live = match self.live.take() {
            Some(mut live) => {
                live.store
                    .set_epoch_deadline(deadline_ticks(mapper.limits.timeout));
                live
            }
            None => {
                let slot = {
                    mapper.shared.slots.take();
                    OwnedSlot(Arc::clone(&mapper.shared))
                };
                let mut store = mapper.store();
                self.instances += 1;
                let instance = mapper
                    .shared
                    .pre
                    .instantiate(&mut store)
                    .map_err(|e| mapper.classify(&e, store.data().limiter.denied))?;
                Live {
                    store,
                    instance,
                    calls: 0,
                    _slot: slot,
                }
            }
        };
        live.calls += 1;
        let result = live.instance.secmap_mapping_mapper().call_transform(
            &mut live.store,
            provider,
            payload,
            options,
        );
        match result {
            Ok(Ok(output)) => {
                if live.calls < self.reuse {
                    self.live = Some(live);
                }
                Ok(output)
            }
            // Dropping `live` here: a fresh instance for the next call.
            Ok(Err(e)) => Err(HostError::Transform(e)),
            Err(e) => Err(mapper.classify(&e, live.store.data().limiter.denied)),
        }
    }
}

/// What a store holds: only the limiter (the component imports nothing).
struct State {
    limiter: MemoryLimiter,
}

/// Caps linear memory and remembers that it refused, so that the trap that follows is
/// reported as [`HostError::OutOfMemory`].
struct MemoryLimiter {
    limit: usize,
    denied: bool,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.limit && maximum.is_none_or(|max| desired <= max);
        if !allowed {
            self.denied = true;
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // The guest's only table holds its functions; it never grows far.
        Ok(desired <= 1 << 20 && maximum.is_none_or(|max| desired <= max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_up_and_zero_is_immediate() {
        assert_eq!(deadline_ticks(Duration::ZERO), 0);
        assert_eq!(deadline_ticks(Duration::from_nanos(1)), 2);
        assert_eq!(deadline_ticks(Duration::from_millis(10)), 2);
        assert_eq!(deadline_ticks(Duration::from_secs(10)), 1001);
        assert_eq!(deadline_ticks(Duration::MAX), u64::MAX / 2);
    }

    #[test]
    fn the_default_memory_follows_the_formula() {
        assert_eq!(Limits::default().memory_bytes, 925 << 20);
        assert_eq!(memory_bytes_for(0, 0), 64 << 20);
        assert_eq!(memory_bytes_for(u64::MAX, u32::MAX), 4 << 30);
        // The fuel follows the memory, never below wasmtime's own default.
        assert_eq!(hostcall_fuel(1 << 20), 128 << 20);
        assert_eq!(hostcall_fuel(1 << 30), 4 << 30);
    }

    #[test]
    fn host_errors_have_stable_codes() {
        let e = HostError::Timeout {
            limit: Duration::from_secs(1),
        };
        assert_eq!(e.to_string(), "timeout: the call ran longer than 1s");
        let e = HostError::Transform(TransformError {
            code: wit::ErrorCode::InvalidJson,
            category: wit::ErrorCategory::Input,
            message: "expected value".into(),
            limit: None,
            pointer: None,
            line: Some(1),
            column: Some(2),
        });
        assert_eq!(
            e.to_string(),
            "invalid-json: expected value (at line 1 column 2)"
        );
    }
}
