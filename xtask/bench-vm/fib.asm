; Recursive Fibonacci: fib(30), printed once.
.function: fib/1
    allocate_registers %5 local
    move %1 local %0 parameters
    integer %2 local 2
    lt %3 local %1 local %2 local
    if %3 local base
    integer %4 local 1
    sub %2 local %1 local %4 local
    frame %1
    copy %0 arguments %2 local
    call %3 local fib/1
    sub %2 local %2 local %4 local
    frame %1
    move %0 arguments %2 local
    call %4 local fib/1
    add %0 local %3 local %4 local
    return
    .mark: base
    move %0 local %1 local
    return
.end

.function: main/0
    allocate_registers %2 local
    frame %1
    integer %1 local 30
    move %0 arguments %1 local
    call %1 local fib/1
    print %1 local
    izero %0 local
    return
.end
