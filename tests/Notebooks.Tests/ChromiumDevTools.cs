using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// One headless Chromium page driven through the DevTools protocol (a WebSocket, no browser-automation package):
/// navigate, evaluate script, wait for a condition, click an element with real mouse events, take a screenshot.
/// The browser gets a fresh profile and the flags that keep it off the network (tests/Shared/HeadlessChromium.cs).
/// </summary>
internal sealed partial class ChromiumDevTools : IDisposable
{
    readonly TempFolder profile = new("ttlora-devtools-");
    readonly Process browser;
    readonly ClientWebSocket socket = new();
    int nextId;

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex Listening();

    public ChromiumDevTools(string chromium, int width, int height)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var flag in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile.Path}",
            "--remote-debugging-port=0", "--remote-allow-origins=*", $"--window-size={width},{height}", "about:blank",
        })
            start.ArgumentList.Add(flag);
        browser = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {chromium}");
        browser.StandardOutput.ReadToEndAsync();
        // The browser prints its DevTools address on stderr; the rest of stderr is drained so it never blocks.
        string? address = null;
        var clock = Stopwatch.StartNew();
        while (address is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            string? line = browser.StandardError.ReadLine() ?? throw new InvalidOperationException("chromium exited before it offered DevTools");
            if (Listening().Match(line) is { Success: true } m) address = m.Groups[1].Value;
        }
        if (address is null) throw new TimeoutException("chromium offered no DevTools address within 60 s");
        browser.StandardError.ReadToEndAsync();
        var port = new Uri(address).Port;
        using var http = new HttpClient();
        var targets = JsonNode.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").GetAwaiter().GetResult())!.AsArray();
        string page = (string)targets.First(t => (string)t!["type"]! == "page")!["webSocketDebuggerUrl"]!;
        socket.ConnectAsync(new Uri(page), CancellationToken.None).GetAwaiter().GetResult();
        Send("Page.enable");
        Send("Runtime.enable");
    }

    /// <summary>Sends one command and returns its result; protocol events in between are skipped.</summary>
    public JsonNode Send(string method, JsonObject? parameters = null)
    {
        int id = ++nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).GetAwaiter().GetResult();
        while (true)
        {
            var reply = Receive();
            if (reply["id"] is JsonValue v && (int)v == id)
                return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"]!;
        }
    }

    public void Navigate(string url) => Send("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>The value of a script expression (promises awaited), or null.</summary>
    public JsonNode? Evaluate(string expression)
    {
        var result = Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } details) throw new InvalidOperationException($"script failed: {details.ToJsonString()}");
        return result["result"]!["value"]?.DeepClone();
    }

    /// <summary>Waits until <paramref name="condition"/> (a script expression) is true, polling twice a second.</summary>
    public void WaitUntil(string condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (Evaluate($"!!({condition})") is JsonValue v && (bool)v) return;
            }
            catch (InvalidOperationException)
            {
                // The page may be between documents while it loads.
            }
            Thread.Sleep(500);
        }
        throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
    }

    /// <summary>Clicks the middle of the element <paramref name="selector"/> finds, with mouse events as a person's click makes them.</summary>
    public void Click(string selector)
    {
        var box = Evaluate($$"""(() => { const e = document.querySelector({{JsonValue.Create(selector).ToJsonString()}}); if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()""")
            ?? throw new InvalidOperationException($"no element matches {selector}");
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
            Send("Input.dispatchMouseEvent", new JsonObject
            {
                ["type"] = type, ["x"] = box["x"]!.DeepClone(), ["y"] = box["y"]!.DeepClone(),
                ["button"] = type == "mouseMoved" ? "none" : "left", ["clickCount"] = type == "mouseMoved" ? 0 : 1,
            });
    }

    /// <summary>Saves a PNG of the visible page.</summary>
    public void Screenshot(string path) =>
        File.WriteAllBytes(path, Convert.FromBase64String((string)Send("Page.captureScreenshot", new JsonObject { ["format"] = "png" })["data"]!));

    JsonObject Receive()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult part;
        do
        {
            part = socket.ReceiveAsync(buffer, CancellationToken.None).GetAwaiter().GetResult();
            if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the browser closed the DevTools connection");
            message.Write(buffer, 0, part.Count);
        } while (!part.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    public void Dispose()
    {
        try
        {
            if (socket.State == WebSocketState.Open) socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
        }
        catch (WebSocketException)
        {
            // The browser goes away next anyway.
        }
        socket.Dispose();
        if (!browser.HasExited) browser.Kill(entireProcessTree: true);
        browser.WaitForExit();
        browser.Dispose();
        profile.Dispose();
    }
}
