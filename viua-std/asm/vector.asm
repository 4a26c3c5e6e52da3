; The std::vector module (RUNTIME.md §10.1).
;
; Functions receive their arguments by move.  `fn` parameters may hold a Function or a
; Closure.  0.13's quirks are kept where RUNTIME.md says so: of_ints/1 and of/2 run their
; loop body at least once, any/2 of an empty vector is true, reverse/1 of an empty vector
; fails in vpop; reverse_in_place/1 returns vectors shorter than 2 unchanged.

; [0, 1, ..., n-1]; [0] for n <= 1.
.function: std::vector::of_ints/1
    allocate_registers %4 local

    .name: 1 limit
    .name: 2 counter
    .name: 3 element

    move %limit local %0 parameters
    vector %0 local
    izero %counter local

    .mark: loop
    copy %element local %counter local
    vpush %0 local %element local
    iinc %counter local
    if (lt %element local %counter local %limit local) local loop

    return
.end

; [fn(0), fn(1), ..., fn(n-1)]; fn is called at least once.
.function: std::vector::of/2
    allocate_registers %6 local

    .name: 1 limit
    .name: 2 fn
    .name: 3 counter
    .name: 4 index
    .name: 5 result

    move %limit local %0 parameters
    move %fn local %1 parameters
    vector %0 local
    izero %counter local

    .mark: loop
    frame %1
    move %0 arguments (copy %index local %counter local) local
    call %result local %fn local
    vpush %0 local %result local
    iinc %counter local
    if (lt %index local %counter local %limit local) local loop

    return
.end

; A new vector with v's elements in reverse order, built by popping from v.  The first pop
; is unconditional, so an empty vector fails with vpop's out-of-range error.
.function: std::vector::reverse/1
    allocate_registers %5 local

    .name: 1 source
    .name: 2 element
    .name: 3 remaining
    .name: 4 zero

    move %source local %0 parameters
    vector %0 local
    izero %zero local

    .mark: loop
    vpop %element local %source local
    vpush %0 local %element local
    if (gt %remaining local (vlen %remaining local %source local) local %zero local) local loop

    return
.end

; Reverses v in place (swapping elements from both ends) and returns it.
.function: std::vector::reverse_in_place/1
    allocate_registers %7 local

    .name: 1 front_index
    .name: 2 back_index
    .name: 3 front
    .name: 4 back
    .name: 5 done
    .name: 6 zero

    move %0 local %0 parameters
    izero %zero local
    izero %front_index local
    vlen %back_index local %0 local
    idec %back_index local

    .mark: loop
    if (gte %done local %front_index local %back_index local) local finished
    ; Take the back element first, so that the front index stays valid.
    vpop %back local %0 local %back_index local
    vpop %front local %0 local %front_index local
    vinsert %0 local %back local %front_index local
    vinsert %0 local %front local %back_index local
    iinc %front_index local
    idec %back_index local
    jump loop

    .mark: finished
    return
.end

; true when fn(copy of element) is truthy for every element (stops at the first falsy
; result); true for an empty vector.
.function: std::vector::every/2
    allocate_registers %8 local

    .name: 1 vec
    .name: 2 fn
    .name: 3 length
    .name: 4 index
    .name: 5 element
    .name: 6 result
    .name: 7 in_range

    move %vec local %0 parameters
    move %fn local %1 parameters
    vlen %length local %vec local
    izero %index local

    .mark: loop
    if (lt %in_range local %index local %length local) local +1 all_true
    vat %element local %vec local %index local
    frame %1
    copy %0 arguments *element local
    call %result local %fn local
    if %result local +1 found_false
    iinc %index local
    jump loop

    .mark: found_false
    not %0 local %result local
    not %0 local
    return

    .mark: all_true
    not %0 local %in_range local
    return
.end

; true when fn(copy of element) is truthy for some element (stops at the first truthy
; result), otherwise false.  0.13 quirk, kept: true for an empty vector.
.function: std::vector::any/2
    allocate_registers %8 local

    .name: 1 vec
    .name: 2 fn
    .name: 3 length
    .name: 4 index
    .name: 5 element
    .name: 6 result
    .name: 7 in_range

    move %vec local %0 parameters
    move %fn local %1 parameters
    vlen %length local %vec local
    izero %index local
    if (lt %in_range local %index local %length local) local +1 empty

    .mark: loop
    vat %element local %vec local %index local
    frame %1
    copy %0 arguments *element local
    call %result local %fn local
    if %result local found_true
    iinc %index local
    if (lt %in_range local %index local %length local) local loop
    ; %in_range is false here.
    move %0 local %in_range local
    return

    .mark: found_true
    not %0 local %result local
    not %0 local
    return

    .mark: empty
    not %0 local %in_range local
    return
.end
