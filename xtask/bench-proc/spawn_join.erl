%% spawn + join: spawn N trivial processes, each telling the parent it is done, then wait for
%% all N (the Erlang counterpart of join). Prints N, then the microseconds the work took.
%% Run: erl -noshell -run spawn_join main N
-module(spawn_join).
-export([main/1]).

main([Arg]) ->
    N = list_to_integer(Arg),
    %% A million replies queue up while main is still spawning: off-heap, so that each
    %% garbage collection of main does not walk the whole queue (quadratic otherwise).
    process_flag(message_queue_data, off_heap),
    Parent = self(),
    Started = erlang:monotonic_time(microsecond),
    spawn_all(N, Parent),
    join_all(N),
    Elapsed = erlang:monotonic_time(microsecond) - Started,
    io:format("~b~n~b~n", [N, Elapsed]),
    halt().

spawn_all(0, _) -> ok;
spawn_all(I, Parent) ->
    spawn(fun() -> Parent ! done end),
    spawn_all(I - 1, Parent).

join_all(0) -> ok;
join_all(I) -> receive done -> join_all(I - 1) end.
