using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NetMQ;
using TtLora.Core;
using TtLora.Extension;
using TtLora.Kernel.Jupyter.Cells;
using TtLora.Kernel.Jupyter.Editing;
using TtLora.Kernel.Jupyter.Messages;
using TtLora.Kernel.Jupyter.Protocol;

namespace TtLora.Kernel.Jupyter;

/// <summary>
/// The Jupyter kernel (messaging protocol 5.3). Three threads: the socket poller, which also answers control
/// requests at once so interrupt and shutdown get through while a cell runs; the shell worker, which handles shell
/// requests one after another; and the heartbeat echo. Cells run on the shell worker against one session: C#
/// state and the verbs' <see cref="CommandContext"/> live as long as the kernel.
/// </summary>
public sealed class JupyterKernel : IDisposable
{
    static readonly TimeSpan StreamFlushInterval = TimeSpan.FromMilliseconds(200);

    readonly ConnectionFile connection;
    readonly KernelLog log;
    readonly MessageFactory messages = new(Guid.NewGuid().ToString("N"));
    readonly KernelSockets sockets;
    readonly BlockingCollection<(JupyterMessage Request, long Sequence)> shellQueue = new();
    readonly CSharpSession csharp;
    readonly CellRunner cells;
    readonly CodeCompletion completion;
    readonly CodeInspection inspection;
    readonly Lock runningGate = new();
    CancellationTokenSource? running;
    CellOutput? lastOutput;
    long received;
    long abortThrough = -1;
    int executionCount;
    volatile bool stopping;
    readonly PlotlyLibraryOnce plotly = new();

    JupyterKernel(ConnectionFile connection, KernelLog log)
    {
        this.connection = connection;
        this.log = log;
        var codec = new WireCodec(new MessageSigner(connection.SignatureScheme, connection.Key), new ReplayGuard());
        sockets = new KernelSockets(connection, codec, OnReceived, log.Write);
        var progress = new LiveProgress();
        // Console.Out is the running cell's stdout stream while a cell runs, so notes from long verbs appear in the cell.
        var commands = new CommandContext { Emit = (result, json) => lastOutput?.Emit(result, json), Progress = progress.Report, Log = line => Console.Out.WriteLine(line) };
        MagicRunner? magic = null;
        csharp = new CSharpSession(new KernelGlobals(() => lastOutput, (args, output, cancellation) => magic!.Run(args, output, cancellation)),
            elapsed => log.Write($"C# scripting ready (first compilation {elapsed.TotalSeconds:0.00} s)"));
        magic = new MagicRunner(commands, progress, new MagicVariables(csharp.Variable));
        cells = new CellRunner(csharp, magic);
        RootCommand Verbs() => CommandSet.Build(commands);
        completion = new CodeCompletion(csharp, Verbs);
        inspection = new CodeInspection(csharp, Verbs);
    }

    /// <summary>Serves the kernel described by a connection file until a shutdown request; returns the exit code.</summary>
    public static int Serve(string connectionFilePath, TextWriter error)
    {
        var log = new KernelLog(error);
        var connection = ConnectionFile.Load(connectionFilePath);
        if (!connection.IsLoopback)
            log.Write($"listening on {connection.Ip}, as the connection file asks: other machines can reach this kernel");
        if (connection.Key.Length == 0) log.Write("the connection file has no key: messages are neither signed nor checked");
        // Long enough for the shutdown reply to leave before the process ends.
        NetMQConfig.Linger = TimeSpan.FromSeconds(1);
        using (var kernel = new JupyterKernel(connection, log)) kernel.Run();
        NetMQConfig.Cleanup(block: true);
        return 0;
    }

    void Run()
    {
        Console.SetIn(TextReader.Null);
        var shell = new Thread(ServeShell) { IsBackground = true, Name = "jupyter-shell" };
        try
        {
            using var heartbeat = new Heartbeat(connection.Endpoint(connection.HeartbeatPort));
            shell.Start();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                Interrupt();
            });
            using var parent = new ParentProcessWatcher(() =>
            {
                log.Write("the process that started the kernel is gone; shutting down");
                Stop();
            });
            sockets.Send(Channel.IoPub, messages.Broadcast([], KernelStatus.Type, KernelStatus.Starting));
            sockets.Run();
        }
        catch (NetMQException e)
        {
            throw new TtLoraException($"cannot listen on {connection.Ip} at the connection file's ports ({e.GetType().Name}: {e.Message})");
        }
        finally
        {
            stopping = true;
            Interrupt();
            shellQueue.CompleteAdding();
        }
        // A cell that ignores interrupts must not keep the process alive; the shell thread is a background thread.
        if (shell.IsAlive) shell.Join(TimeSpan.FromSeconds(2));
    }

    void Stop()
    {
        stopping = true;
        Interrupt();
        sockets.StopAfterPendingSends();
    }

    void Interrupt()
    {
        lock (runningGate) running?.Cancel();
    }

    // Runs on the poller thread.
    void OnReceived(Channel channel, JupyterMessage message)
    {
        switch (channel)
        {
            case Channel.Control:
                HandleControl(message);
                break;
            case Channel.Shell when !stopping:
                shellQueue.Add((message, Interlocked.Increment(ref received)));
                break;
            case Channel.Stdin:
                log.Write($"ignored {message.Type} on stdin: this kernel never asks for input");
                break;
        }
    }

    void HandleControl(JupyterMessage request)
    {
        if (request.Type == ShutdownRequest.Type)
        {
            Shutdown(Channel.Control, request);
            return;
        }
        Publish(request, KernelStatus.Type, KernelStatus.Busy);
        switch (request.Type)
        {
            case InterruptReply.RequestType:
                Interrupt();
                Reply(Channel.Control, request, InterruptReply.Type, new InterruptReply());
                break;
            case "kernel_info_request":
                Reply(Channel.Control, request, KernelInfoReply.Type, KernelIdentity.Info());
                break;
            default:
                log.Write($"ignored {request.Type} on control");
                break;
        }
        Publish(request, KernelStatus.Type, KernelStatus.Idle);
    }

    void Shutdown(Channel channel, JupyterMessage request)
    {
        var reply = new ShutdownReply(request.ContentAs<ShutdownRequest>().Restart);
        Publish(request, KernelStatus.Type, KernelStatus.Busy);
        Reply(channel, request, ShutdownReply.Type, reply);
        Publish(request, ShutdownReply.Type, reply);
        Publish(request, KernelStatus.Type, KernelStatus.Idle);
        Stop();
    }

    void ServeShell()
    {
        foreach (var (request, sequence) in shellQueue.GetConsumingEnumerable())
        {
            if (stopping) break;
            if (request.Type == ShutdownRequest.Type)
            {
                Shutdown(Channel.Shell, request);
                continue;
            }
            Publish(request, KernelStatus.Type, KernelStatus.Busy);
            try
            {
                HandleShell(request, sequence);
            }
            catch (Exception e)
            {
                // A kernel bug: the front end still gets an answer, the log gets the details.
                log.Write($"{request.Type} failed: {e}");
                if (request.Type.EndsWith("_request", StringComparison.Ordinal))
                    Reply(Channel.Shell, request, request.Type[..^"_request".Length] + "_reply", new
                    {
                        Status = "error", Ename = e.GetType().Name, Evalue = e.Message, Traceback = new[] { $"{e.GetType().Name}: {e.Message}" },
                    });
            }
            Publish(request, KernelStatus.Type, KernelStatus.Idle);
        }
    }

    void HandleShell(JupyterMessage request, long sequence)
    {
        switch (request.Type)
        {
            case ExecuteRequest.Type:
                Execute(request, sequence);
                break;
            case "kernel_info_request":
                Reply(Channel.Shell, request, KernelInfoReply.Type, KernelIdentity.Info());
                break;
            case IsCompleteRequest.Type:
                var (status, indent) = CompletenessCheck.Check(request.ContentAs<IsCompleteRequest>().Code, csharp.ParseOptions);
                Reply(Channel.Shell, request, IsCompleteReply.Type, new IsCompleteReply(status, indent));
                break;
            case CompleteRequest.Type:
                Complete(request);
                break;
            case InspectRequest.Type:
                Inspect(request);
                break;
            case HistoryReply.RequestType:
                Reply(Channel.Shell, request, HistoryReply.Type, new HistoryReply());
                break;
            case CommInfoReply.RequestType:
                Reply(Channel.Shell, request, CommInfoReply.Type, new CommInfoReply());
                break;
            case CommOpen.Type:
                // No comm targets exist here: close the comm so the front end does not wait on it.
                Publish(request, CommClose.Type, new CommClose(request.ContentAs<CommOpen>().CommId));
                break;
            case "comm_msg" or "comm_close":
                break;
            default:
                log.Write($"ignored {request.Type} on shell");
                break;
        }
    }

    void Execute(JupyterMessage request, long sequence)
    {
        var execute = request.ContentAs<ExecuteRequest>();
        if (sequence <= Interlocked.Read(ref abortThrough))
        {
            Reply(Channel.Shell, request, ExecuteReplyAborted.Type, new ExecuteReplyAborted(executionCount));
            return;
        }
        if (execute.StoreHistory && !execute.Silent) executionCount++;
        int count = executionCount;
        Action<string, object> publish = execute.Silent ? static (_, _) => { } : (type, content) => Publish(request, type, content);
        publish(ExecuteInput.Type, new ExecuteInput(execute.Code, count));

        using var cancellation = new CancellationTokenSource();
        lock (runningGate) running = cancellation;
        CellOutcome outcome;
        // A silent request publishes nothing, so it must not count as having sent plotly.js.
        using (var output = new CellOutput(publish, StreamFlushInterval, execute.Silent ? null : plotly))
        {
            lastOutput = output;
            outcome = cells.Run(execute.Code, $"In [{count}]", output, cancellation.Token);
            if (outcome.Error is { } error)
                output.Publish(ErrorOutput.Type, new ErrorOutput(error.Name, error.Value, error.Traceback));
            else if (outcome.HasValue && outcome.Value is not DisplayHandle)
                output.Publish(ExecuteResult.Type, new ExecuteResult(count, output.Bundle(outcome.Value)));
        }
        lock (runningGate) running = null;

        if (outcome.Error is { } failed)
        {
            Reply(Channel.Shell, request, ExecuteReplyError.Type, new ExecuteReplyError(count, failed.Name, failed.Value, failed.Traceback));
            // Requests that arrived while this cell ran were written expecting it to succeed.
            if (execute.StopOnError) Interlocked.Exchange(ref abortThrough, Interlocked.Read(ref received));
        }
        else
        {
            Reply(Channel.Shell, request, ExecuteReplyOk.Type, new ExecuteReplyOk(count));
        }
    }

    void Complete(JupyterMessage request)
    {
        var complete = request.ContentAs<CompleteRequest>();
        var found = completion.Complete(complete.Code, CodePoints.ToIndex(complete.Code, complete.CursorPos));
        Reply(Channel.Shell, request, CompleteReply.Type, new CompleteReply(found.Matches,
            CodePoints.FromIndex(complete.Code, found.Start), CodePoints.FromIndex(complete.Code, found.End)));
    }

    void Inspect(JupyterMessage request)
    {
        var inspect = request.ContentAs<InspectRequest>();
        string? help = inspection.Inspect(inspect.Code, CodePoints.ToIndex(inspect.Code, inspect.CursorPos));
        Reply(Channel.Shell, request, InspectReply.Type,
            new InspectReply(help is not null, help is null ? [] : new JsonObject { ["text/plain"] = help }));
    }

    void Reply(Channel channel, JupyterMessage request, string type, object content) =>
        sockets.Send(channel, messages.Reply(request, type, content));

    void Publish(JupyterMessage parent, string type, object content) =>
        sockets.Send(Channel.IoPub, messages.Broadcast(parent.Header, type, content));

    public void Dispose()
    {
        sockets.Dispose();
        shellQueue.Dispose();
    }
}
