//! A hint to the processor to bring memory into its cache before it is
//! read.
//!
//! A replay's frames are written into memory by the read-ahead thread on
//! one core and read by the pipeline on another; each frame's first bytes
//! are then a cache miss, and on a small virtual machine a miss costs
//! about as long as the rest of the frame's work. The next frames are
//! known a few records ahead: asking for them early hides that wait.

/// Asks for the two cache lines from `p` on. Never faults, whatever `p`
/// is, and changes nothing a program can observe but its speed.
#[inline(always)]
pub fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = p.cast::<i8>();
        // SAFETY: a prefetch is a hint: it reads nothing into the program,
        // and the processor drops it for an address it cannot reach.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p);
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
