%% scaling: two CPU-bound processes, each counting to N; run with +S 1 and +S 2.
%% Prints N, then the microseconds the work took (timed inside, start-up excluded).
%% Run: erl -noshell -run scaling main N
-module(scaling).
-export([main/1]).

main([Arg]) ->
    N = list_to_integer(Arg),
    Self = self(),
    Started = erlang:monotonic_time(microsecond),
    spawn(fun() -> Self ! count(0, N) end),
    spawn(fun() -> Self ! count(0, N) end),
    receive N -> ok end,
    receive N -> ok end,
    Elapsed = erlang:monotonic_time(microsecond) - Started,
    io:format("~b~n~b~n", [N, Elapsed]),
    halt().

count(N, N) -> N;
count(I, N) -> count(I + 1, N).
