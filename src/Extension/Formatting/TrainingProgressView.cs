using System.Globalization;
using System.Text;
using TtLora.Core;
using TtLora.Extension.Display;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Live training progress for one display that the host replaces in place as training reports
/// (Jupyter's <c>update_display_data</c>): step of total, loss and accuracy curves, tokens per second and ETA.
/// Thread-safe: a training loop may report while the host renders.
/// The HTML draws the curves as inline SVG, a few kilobytes per update; set <see cref="InteractiveChart"/>
/// (e.g. for the final update) to embed the Plotly chart of <see cref="Figure"/> instead, which carries plotly.js.
/// </summary>
public sealed class TrainingProgressView : IRichDisplay
{
    readonly object _gate = new();
    readonly TimeProvider _clock;
    readonly List<(int Step, double Value)> _loss = [];
    readonly List<(int Step, double Value)> _accuracy = [];
    (int Step, long Timestamp)? _first;
    int _step;
    double? _tokensPerSecond;
    TimeSpan? _reportedEta;
    TimeSpan? _estimatedEta;
    bool _complete;

    /// <param name="title">What is being trained, e.g. "expert sst2".</param>
    /// <param name="totalSteps">The number of steps the run will take (positive).</param>
    /// <param name="clock">Time source for the ETA estimate; the system clock by default.</param>
    public TrainingProgressView(string title, int totalSteps, TimeProvider? clock = null)
    {
        if (totalSteps <= 0) throw new TtLoraException($"TrainingProgressView '{title}': total steps is {totalSteps}; it must be positive.");
        Title = title;
        TotalSteps = totalSteps;
        _clock = clock ?? TimeProvider.System;
    }

    public string Title { get; }
    public int TotalSteps { get; }

    /// <summary>Embed an interactive Plotly chart (with plotly.js) in the HTML instead of the light SVG curves.</summary>
    public bool InteractiveChart { get; set; }

    public int Step { get { lock (_gate) return _step; } }
    public bool IsComplete { get { lock (_gate) return _complete; } }
    public double? TokensPerSecond { get { lock (_gate) return _tokensPerSecond; } }
    public IReadOnlyList<(int Step, double Value)> Loss { get { lock (_gate) return _loss.ToArray(); } }
    public IReadOnlyList<(int Step, double Value)> Accuracy { get { lock (_gate) return _accuracy.ToArray(); } }

    /// <summary>Time left: the reported one if the trainer gave it, else extrapolated from the pace since the first report.</summary>
    public TimeSpan? Eta { get { lock (_gate) return _complete ? TimeSpan.Zero : _reportedEta ?? _estimatedEta; } }

    /// <summary>Records one step's numbers; any of them may be missing. Steps must not go backwards.</summary>
    public void Report(int step, double? loss = null, double? accuracy = null, double? tokensPerSecond = null, TimeSpan? eta = null)
    {
        lock (_gate)
        {
            if (step < _step) throw new TtLoraException($"TrainingProgressView '{Title}': step {step} reported after step {_step}; steps must not go backwards.");
            if (step > TotalSteps) throw new TtLoraException($"TrainingProgressView '{Title}': step {step} is past the total of {TotalSteps} steps.");
            long now = _clock.GetTimestamp();
            _first ??= (step, now);
            _step = step;
            if (loss is { } l) _loss.Add((step, l));
            if (accuracy is { } a) _accuracy.Add((step, a));
            if (tokensPerSecond is { } tps) _tokensPerSecond = tps;
            _reportedEta = eta;
            int done = step - _first.Value.Step;
            _estimatedEta = done > 0 ? _clock.GetElapsedTime(_first.Value.Timestamp, now) / done * (TotalSteps - step) : null;
        }
    }

    /// <summary>Marks the run finished: the bar fills and the ETA shows zero.</summary>
    public void Complete()
    {
        lock (_gate) { _complete = true; _step = TotalSteps; }
    }

    /// <summary>Loss (left axis) and accuracy (right axis) against step, as an interactive chart.</summary>
    public PlotlyFigure Figure()
    {
        var loss = Loss;
        var accuracy = Accuracy;
        var series = new List<LineSeries>();
        if (loss.Count > 0) series.Add(new LineSeries("loss", loss.Select(p => (double)p.Step).ToArray(), loss.Select(p => p.Value).ToArray()));
        if (accuracy.Count > 0) series.Add(new LineSeries("accuracy", accuracy.Select(p => (double)p.Step).ToArray(), accuracy.Select(p => p.Value).ToArray(), SecondaryAxis: true));
        return Charts.Lines(series, Title, xTitle: "step", yTitle: "loss", y2Title: "accuracy");
    }

    /// <summary>One line: title, step of total, latest loss and accuracy, speed and ETA.</summary>
    public string ToText()
    {
        lock (_gate) return $"{Title}: {Details()}";
    }

    public override string ToString() => ToText();

    public string ToHtml()
    {
        var loss = Loss;
        var accuracy = Accuracy;
        var output = new HtmlOutput().AddHeading(Title);
        double percent;
        string details;
        lock (_gate) { percent = Percent(); details = Details(); }
        output.Add($"<div class=\"ttl-progress\" title=\"{percent.ToString("0.#", CultureInfo.InvariantCulture)}%\"><div style=\"width:{percent.ToString("0.##", CultureInfo.InvariantCulture)}%\"></div></div>");
        output.AddText(details);
        if (loss.Count == 0 && accuracy.Count == 0) return output.ToString();
        if (InteractiveChart) return output.AddChart(Figure()).ToString();
        var sparks = new StringBuilder("<div class=\"ttl-sparks\">");
        if (loss.Count > 0) sparks.Append(SvgLineChart.ToHtml("loss", loss.Select(p => (double)p.Step).ToArray(), loss.Select(p => p.Value).ToArray()));
        if (accuracy.Count > 0) sparks.Append(SvgLineChart.ToHtml("accuracy", accuracy.Select(p => (double)p.Step).ToArray(), accuracy.Select(p => p.Value).ToArray(), color: "#2ca02c"));
        return output.Add(sparks.Append("</div>").ToString()).ToString();
    }

    public void AddTo(IDictionary<string, object> bundle)
    {
        bundle[MimeBundles.PlainText] = ToText();
        bundle[MimeBundles.Html] = ToHtml();
    }

    // Callers hold the gate.
    string Details()
    {
        var s = new StringBuilder($"step {_step}/{TotalSteps} ({Percent():0}%)");
        if (_loss.Count > 0) s.Append($", loss {Format(_loss[^1].Value)}");
        if (_accuracy.Count > 0) s.Append($", accuracy {Format(_accuracy[^1].Value)}");
        if (_tokensPerSecond is { } tps) s.Append($", {Html.Number(Math.Round(tps))} tokens/s");
        if (_complete) s.Append(", done");
        else if ((_reportedEta ?? _estimatedEta) is { } eta) s.Append($", ETA {Duration(eta)}");
        return s.ToString();
    }

    double Percent() => 100.0 * (_complete ? TotalSteps : _step) / TotalSteps;

    static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s"
        : $"{Math.Ceiling(t.TotalSeconds):0}s";
}
