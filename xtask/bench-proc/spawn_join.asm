; spawn + join: spawn N joinable trivial processes (N = first argument), keeping their PIDs in
; a vector, then join them all (newest first). Prints N.
.function: trivial/0
    allocate_registers %1 local
    izero %0 local
    return
.end

.function: main/2
    allocate_registers %7 local
    .name: 1 args
    .name: 2 n
    .name: 3 pids
    .name: 4 i
    .name: 5 pid
    .name: 6 done
    move void %0 parameters
    move %args local %1 parameters
    vpop %n local %args local (izero %i local) local
    stoi %n local
    vector %pids local
    .mark: spawn
    if (gte %done local %i local %n local) local join_loop
    frame %0
    process %pid local trivial/0
    vpush %pids local %pid local
    iinc %i local
    jump spawn
    .mark: join_loop
    if %i local join_one finish
    .mark: join_one
    vpop %pid local %pids local
    join void %pid local
    idec %i local
    jump join_loop
    .mark: finish
    print %n local
    izero %0 local
    return
.end
