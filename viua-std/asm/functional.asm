; The std::functional module (RUNTIME.md §10.2, DECISIONS.md).
;
; Functions receive their arguments by move.  `fn` may hold a Function or a Closure.
; map/2, filter/2, foreach/2 and invoke/2 have the intended behaviour (0.13's versions fail
; for any non-empty vector): elements are passed to fn by copy.

; The try body of apply/2: fn(x), requesting a result.
.block: std::functional::apply/2__try
    frame %1
    move %0 arguments %2 local
    call %0 local %1 local
    leave
.end

; Any Exception-tagged error from fn (including "did not set return register" when fn
; returns nothing) is swallowed; apply/2 then returns nothing.
.block: std::functional::apply/2__catch
    draw void
    leave
.end

; fn(x) inside a try block catching tag Exception; the result, or nothing.
.function: std::functional::apply/2
    allocate_registers %3 local

    .name: 1 fn
    .name: 2 x

    move %fn local %0 parameters
    move %x local %1 parameters
    try
    catch "Exception" std::functional::apply/2__catch
    enter std::functional::apply/2__try
    return
.end

; A new vector of fn(element) results.
.function: std::functional::map/2
    allocate_registers %8 local

    .name: 1 fn
    .name: 2 vec
    .name: 3 length
    .name: 4 index
    .name: 5 element
    .name: 6 result
    .name: 7 in_range

    move %fn local %0 parameters
    move %vec local %1 parameters
    vector %0 local
    vlen %length local %vec local
    izero %index local

    .mark: loop
    if (lt %in_range local %index local %length local) local +1 finished
    vat %element local %vec local %index local
    frame %1
    copy %0 arguments *element local
    call %result local %fn local
    vpush %0 local %result local
    iinc %index local
    jump loop

    .mark: finished
    return
.end

; A new vector of (copies of) the elements for which fn returns a truthy value.
.function: std::functional::filter/2
    allocate_registers %9 local

    .name: 1 fn
    .name: 2 vec
    .name: 3 length
    .name: 4 index
    .name: 5 element
    .name: 6 result
    .name: 7 in_range
    .name: 8 kept

    move %fn local %0 parameters
    move %vec local %1 parameters
    vector %0 local
    vlen %length local %vec local
    izero %index local

    .mark: loop
    if (lt %in_range local %index local %length local) local +1 finished
    vat %element local %vec local %index local
    frame %1
    copy %0 arguments *element local
    call %result local %fn local
    if %result local +1 next
    vpush %0 local (copy %kept local *element local) local
    .mark: next
    iinc %index local
    jump loop

    .mark: finished
    return
.end

; fn(copy of element) for each element, discarding the results.  Returns nothing.
.function: std::functional::foreach/2
    allocate_registers %7 local

    .name: 1 fn
    .name: 2 vec
    .name: 3 length
    .name: 4 index
    .name: 5 element
    .name: 6 in_range

    move %fn local %0 parameters
    move %vec local %1 parameters
    vlen %length local %vec local
    izero %index local

    .mark: loop
    if (lt %in_range local %index local %length local) local +1 finished
    vat %element local %vec local %index local
    frame %1
    copy %0 arguments *element local
    call void %fn local
    iinc %index local
    jump loop

    .mark: finished
    return
.end

; fn(args[0], ..., args[n-1]), returning its result.  The frame has exactly n argument
; slots; n <= 16 (a longer vector raises an Exception).  `frame` takes a literal size and only
; copy/move fill argument slots, so there is one section per size.  The vector is invoke's
; own (received by move): its elements are popped (last first) and moved into the frame.
.function: std::functional::invoke/2
    allocate_registers %7 local

    .name: 1 fn
    .name: 2 args
    .name: 3 length
    .name: 4 count
    .name: 5 matches
    .name: 6 element

    move %fn local %0 parameters
    move %args local %1 parameters
    vlen %length local %args local
    if (eq %matches local %length local (integer %count local 0) local) local args_0
    if (eq %matches local %length local (integer %count local 1) local) local args_1
    if (eq %matches local %length local (integer %count local 2) local) local args_2
    if (eq %matches local %length local (integer %count local 3) local) local args_3
    if (eq %matches local %length local (integer %count local 4) local) local args_4
    if (eq %matches local %length local (integer %count local 5) local) local args_5
    if (eq %matches local %length local (integer %count local 6) local) local args_6
    if (eq %matches local %length local (integer %count local 7) local) local args_7
    if (eq %matches local %length local (integer %count local 8) local) local args_8
    if (eq %matches local %length local (integer %count local 9) local) local args_9
    if (eq %matches local %length local (integer %count local 10) local) local args_10
    if (eq %matches local %length local (integer %count local 11) local) local args_11
    if (eq %matches local %length local (integer %count local 12) local) local args_12
    if (eq %matches local %length local (integer %count local 13) local) local args_13
    if (eq %matches local %length local (integer %count local 14) local) local args_14
    if (eq %matches local %length local (integer %count local 15) local) local args_15
    if (eq %matches local %length local (integer %count local 16) local) local args_16
    atom %count local 'Exception'
    text %matches local "std::functional::invoke/2: more than 16 arguments"
    throw (exception %count local %count local %matches local) local

    .mark: args_0
    frame %0
    call %0 local %fn local
    return

    .mark: args_1
    frame %1
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_2
    frame %2
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_3
    frame %3
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_4
    frame %4
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_5
    frame %5
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_6
    frame %6
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_7
    frame %7
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_8
    frame %8
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_9
    frame %9
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_10
    frame %10
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_11
    frame %11
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_12
    frame %12
    vpop %element local %args local
    move %11 arguments %element local
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_13
    frame %13
    vpop %element local %args local
    move %12 arguments %element local
    vpop %element local %args local
    move %11 arguments %element local
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_14
    frame %14
    vpop %element local %args local
    move %13 arguments %element local
    vpop %element local %args local
    move %12 arguments %element local
    vpop %element local %args local
    move %11 arguments %element local
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_15
    frame %15
    vpop %element local %args local
    move %14 arguments %element local
    vpop %element local %args local
    move %13 arguments %element local
    vpop %element local %args local
    move %12 arguments %element local
    vpop %element local %args local
    move %11 arguments %element local
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return

    .mark: args_16
    frame %16
    vpop %element local %args local
    move %15 arguments %element local
    vpop %element local %args local
    move %14 arguments %element local
    vpop %element local %args local
    move %13 arguments %element local
    vpop %element local %args local
    move %12 arguments %element local
    vpop %element local %args local
    move %11 arguments %element local
    vpop %element local %args local
    move %10 arguments %element local
    vpop %element local %args local
    move %9 arguments %element local
    vpop %element local %args local
    move %8 arguments %element local
    vpop %element local %args local
    move %7 arguments %element local
    vpop %element local %args local
    move %6 arguments %element local
    vpop %element local %args local
    move %5 arguments %element local
    vpop %element local %args local
    move %4 arguments %element local
    vpop %element local %args local
    move %3 arguments %element local
    vpop %element local %args local
    move %2 arguments %element local
    vpop %element local %args local
    move %1 arguments %element local
    vpop %element local %args local
    move %0 arguments %element local
    call %0 local %fn local
    return
.end
