; memory: N processes (first argument) parked in `receive` at once. Main spawns them all
; (keeping their PIDs in a vector), then sends each a message so that it ends, and joins it.
; The harness reads the peak RSS of the run. Prints N.
.function: parked/0
    allocate_registers %2 local
    receive %1 local infinity
    move %0 local %1 local
    return
.end

.function: main/2
    allocate_registers %8 local
    .name: 1 args
    .name: 2 n
    .name: 3 pids
    .name: 4 i
    .name: 5 pid
    .name: 6 done
    .name: 7 message
    move void %0 parameters
    move %args local %1 parameters
    vpop %n local %args local (izero %i local) local
    stoi %n local
    vector %pids local
    .mark: spawn
    if (gte %done local %i local %n local) local wake
    frame %0
    process %pid local parked/0
    vpush %pids local %pid local
    iinc %i local
    jump spawn
    .mark: wake
    if %i local wake_one finish
    .mark: wake_one
    vpop %pid local %pids local
    send %pid local (copy %message local %i local) local
    join void %pid local
    idec %i local
    jump wake
    .mark: finish
    print %n local
    izero %0 local
    return
.end
