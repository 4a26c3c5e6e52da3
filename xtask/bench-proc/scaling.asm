; scaling: two CPU-bound processes, each counting to N (first argument), joined by main.
; Run with VIUA_PROC_SCHEDULERS=1 and =2. Prints N.
.function: count/1
    allocate_registers %4 local
    .name: 1 n
    .name: 2 i
    .name: 3 more
    move %n local %0 parameters
    izero %i local
    .mark: loop
    iinc %i local
    if (lt %more local %i local %n local) local loop
    move %0 local %i local
    return
.end

.function: main/2
    allocate_registers %5 local
    .name: 1 args
    .name: 2 n
    .name: 3 first
    .name: 4 second
    move void %0 parameters
    move %args local %1 parameters
    vpop %n local %args local (izero %first local) local
    stoi %n local
    frame ^[(copy %0 arguments %n local)]
    process %first local count/1
    frame ^[(copy %0 arguments %n local)]
    process %second local count/1
    join void %first local
    join void %second local
    print %n local
    izero %0 local
    return
.end
