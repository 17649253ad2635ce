using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>execute_request: a cell to run.</summary>
public sealed class ExecuteRequest
{
    public const string Type = "execute_request";
    public string Code { get; init; } = "";
    /// <summary>Run quietly: nothing on iopub but status, and no history entry.</summary>
    public bool Silent { get; init; }
    public bool StoreHistory { get; init; } = true;
    public bool AllowStdin { get; init; }
    /// <summary>Abort the requests already queued when this one fails.</summary>
    public bool StopOnError { get; init; } = true;
}

/// <summary>execute_reply when the cell ran to the end.</summary>
public sealed record ExecuteReplyOk(int ExecutionCount)
{
    public const string Type = "execute_reply";
    public string Status => "ok";
    public JsonObject UserExpressions => [];
    public JsonArray Payload => [];
}

/// <summary>execute_reply when the cell failed or was interrupted.</summary>
public sealed record ExecuteReplyError(int ExecutionCount, string Ename, string Evalue, IReadOnlyList<string> Traceback)
{
    public const string Type = "execute_reply";
    public string Status => "error";
}

/// <summary>execute_reply for a request dropped because an earlier cell failed.</summary>
public sealed record ExecuteReplyAborted(int ExecutionCount)
{
    public const string Type = "execute_reply";
    public string Status => "aborted";
}

/// <summary>execute_input: broadcasts the code being run, so every front end sees it.</summary>
public sealed record ExecuteInput(string Code, int ExecutionCount)
{
    public const string Type = "execute_input";
}

/// <summary>execute_result: the value of a cell's last expression.</summary>
public sealed record ExecuteResult(int ExecutionCount, JsonObject Data)
{
    public const string Type = "execute_result";
    public JsonObject Metadata => [];
}
