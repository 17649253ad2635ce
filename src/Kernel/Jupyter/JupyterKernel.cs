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
    /// <summary>How long a cell may take to notice an interrupt before a blocking wait in it is broken.</summary>
    static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(1);

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
    (JupyterMessage Request, int Count)? runningCell;
    Thread? shellThread;
    int fatalReported;
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
        shellThread = shell;
        // A cell can end the process (Environment.Exit, an exception on a thread it started); the front end
        // then hears why from the kernel before it goes, instead of finding it dead.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
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
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
    }

    void OnProcessExit(object? sender, EventArgs e)
    {
        if (stopping) return;
        ReportFatal("KernelExit", "the process is exiting (a cell called Environment.Exit or equivalent); restart the kernel to continue",
            ["KernelExit: the process is exiting (a cell called Environment.Exit or equivalent)", "the kernel has stopped; restart it to continue"]);
    }

    void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (e.ExceptionObject is not Exception failure) return;
        log.Write($"unhandled exception on thread \"{Thread.CurrentThread.Name}\": {failure}");
        var error = CellError.FromException(failure);
        ReportFatal(error.Name, $"{error.Value} (thrown on a background thread; the kernel is ending, restart it to continue)",
            [$"{error.Name}: {error.Value}", "thrown on a background thread a cell started: .NET ends the process, so the kernel has stopped; restart it to continue",
             .. error.Traceback.Skip(1)]);
    }

    /// <summary>Tells the front end, as the running cell's error, that the kernel is going (with no cell running, only the log hears).</summary>
    void ReportFatal(string name, string value, IReadOnlyList<string> traceback)
    {
        if (Interlocked.Exchange(ref fatalReported, 1) == 1) return;
        log.Write($"{name}: {value}");
        try
        {
            if (runningCell is { } cell)
            {
                Publish(cell.Request, ErrorOutput.Type, new ErrorOutput(name, value, traceback));
                Reply(Channel.Shell, cell.Request, ExecuteReplyError.Type, new ExecuteReplyError(cell.Count, name, value, traceback));
                Publish(cell.Request, KernelStatus.Type, KernelStatus.Idle);
            }
            sockets.Flush(TimeSpan.FromSeconds(2));
        }
        catch (Exception failure) when (failure is ObjectDisposedException or InvalidOperationException)
        {
            log.Write($"could not report to the front end: {failure.Message}");
        }
    }

    void Stop()
    {
        stopping = true;
        Interrupt();
        sockets.StopAfterPendingSends();
    }

    void Interrupt()
    {
        CancellationTokenSource? cell;
        lock (runningGate)
        {
            cell = running;
            cell?.Cancel();
        }
        if (cell is null || stopping) return;
        // A cell blocked in Thread.Sleep, WaitOne or Join never looks at its token: after a grace period the wait
        // itself is broken (ThreadInterruptedException), but only if that same cell is still running.
        _ = Task.Delay(InterruptGrace).ContinueWith(_ =>
        {
            lock (runningGate)
                if (ReferenceEquals(running, cell)) shellThread?.Interrupt();
        }, TaskScheduler.Default);
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
        runningCell = (request, count);
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
        runningCell = null;
        ClearPendingInterrupt();

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

    // An interrupt aimed at a cell that finished just before it arrived must not hit the kernel's next wait.
    static void ClearPendingInterrupt()
    {
        try
        {
            Thread.Sleep(0);
        }
        catch (ThreadInterruptedException)
        {
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
