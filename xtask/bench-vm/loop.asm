; A counting loop of 10 000 000 iterations.
.function: main/0
    allocate_registers %4 local
    integer %1 local 0
    integer %2 local 10000000
    .mark: top
    iinc %1 local
    lt %3 local %1 local %2 local
    if %3 local top
    print %1 local
    izero %0 local
    return
.end
