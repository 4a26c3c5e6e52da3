; The foreign-call cost loop: `cargo xtask bench io` fills in the number of iterations,
; the import of the fixture module, and the body of the loop (a frame with one argument
; and a call of a foreign function, or of the empty Viua function noop/1 for reference;
; nothing for the baseline that is subtracted).
.signature: math::sqrt/1
.signature: probe::complain/1

.function: noop/1
    allocate_registers %1 local
    return
.end

.function: main/0
    allocate_registers %6 local
    IMPORT
    integer %1 local 0
    integer %2 local COUNT
    .mark: top
BODY
    iinc %1 local
    lt %3 local %1 local %2 local
    if %3 local top
    print %1 local
    izero %0 local
    return
.end
