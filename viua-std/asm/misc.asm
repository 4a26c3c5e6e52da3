; The std::misc module (RUNTIME.md §10.3).  Note that boolean/1 has no std:: prefix.

; The boolean value of x.
.function: misc::boolean/1
    allocate_registers %2 local
    move %1 local %0 parameters
    not %0 local %1 local
    not %0 local
    return
.end

; A busy loop of at least n instructions: it decrements a counter floor((n - 9) / 2) times.
; Returns nothing (call it with a void target).
.function: std::misc::cycle/1
    allocate_registers %4 local

    .name: 1 counter
    .name: 2 zero
    .name: 3 more

    move %counter local %0 parameters
    sub %counter local %counter local (integer %zero local 9) local
    div %counter local %counter local (integer %zero local 2) local
    izero %zero local

    .mark: loop
    if (gt %more local %counter local %zero local) local +1 finished
    idec %counter local
    jump loop

    .mark: finished
    return
.end
