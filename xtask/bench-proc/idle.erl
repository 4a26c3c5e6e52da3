%% idle: wait MS milliseconds in receive for a message that never comes.
%% Prints N, then the microseconds the work took (timed inside, start-up excluded).
%% Run: erl -noshell -run idle main MS
-module(idle).
-export([main/1]).

main([Arg]) ->
    Ms = list_to_integer(Arg),
    receive never -> ok after Ms -> ok end,
    io:format("timeout~n"),
    halt().
