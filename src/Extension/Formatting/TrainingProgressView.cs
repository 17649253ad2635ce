using System.Globalization;
using System.Text;
using TtLora.Core;
using TtLora.Core.Training;
using TtLora.Extension.Display;

namespace TtLora.Extension.Formatting;

/// <summary>
/// Live training progress for one display that the host replaces in place as training reports
/// (Jupyter's <c>update_display_data</c>): step of total, loss and accuracy curves (with validation points when the
/// trainer evaluates), tokens per second, ETA and what the run is doing now.
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
    readonly List<(int Step, double Value)> _validationLoss = [];
    readonly List<(int Step, double Value)> _validationAccuracy = [];
    (int Step, long Timestamp)? _first;
    int _step;
    double? _tokensPerSecond;
    TimeSpan? _reportedEta;
    TimeSpan? _estimatedEta;
    bool _complete;
    string? _stopped;
    string? _status;

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
    public IReadOnlyList<(int Step, double Value)> ValidationLoss { get { lock (_gate) return _validationLoss.ToArray(); } }
    public IReadOnlyList<(int Step, double Value)> ValidationAccuracy { get { lock (_gate) return _validationAccuracy.ToArray(); } }

    /// <summary>What the run is doing now (e.g. "pretrain" or "train, epoch 2"), shown before the step; null for nothing.</summary>
    public string? Status
    {
        get { lock (_gate) return _status; }
        set { lock (_gate) _status = value; }
    }

    /// <summary>Why the run ended early (see <see cref="Stop"/>), or null.</summary>
    public string? StoppedReason { get { lock (_gate) return _stopped; } }

    /// <summary>Time left: the reported one if the trainer gave it, else extrapolated from the pace since the first report.</summary>
    public TimeSpan? Eta { get { lock (_gate) return _complete ? TimeSpan.Zero : _stopped is not null ? null : _reportedEta ?? _estimatedEta; } }

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
            if (loss is { } l) Record(_loss, step, l);
            if (accuracy is { } a) Record(_accuracy, step, a);
            if (tokensPerSecond is { } tps) _tokensPerSecond = tps;
            _reportedEta = eta;
            int done = step - _first.Value.Step;
            _estimatedEta = done > 0 ? _clock.GetElapsedTime(_first.Value.Timestamp, now) / done * (TotalSteps - step) : null;
        }
    }

    /// <summary>Records an evaluation on held-out data at <paramref name="step"/> (which must not lie ahead of the run's step).</summary>
    public void ReportValidation(int step, double? loss = null, double? accuracy = null)
    {
        lock (_gate)
        {
            if (step < 0 || step > TotalSteps) throw new TtLoraException($"TrainingProgressView '{Title}': validation at step {step} is outside 0..{TotalSteps}.");
            if (loss is { } l) Record(_validationLoss, step, l);
            if (accuracy is { } a) Record(_validationAccuracy, step, a);
        }
    }

    /// <summary>
    /// Records one event of a trainer: its phase (and epoch or message) becomes the <see cref="Status"/>, finite numbers
    /// join the curves, validation numbers the validation points. The step must not go backwards.
    /// </summary>
    public void Report(TrainingProgress progress)
    {
        int step = Math.Clamp(progress.Step, 0, TotalSteps);
        Status = progress.Message is not null ? $"{progress.Phase}: {progress.Message}"
            : progress.Epoch > 0 ? $"{progress.Phase}, epoch {progress.Epoch}" : progress.Phase;
        Report(step,
            loss: double.IsFinite(progress.Loss) ? progress.Loss : null,
            accuracy: progress.Accuracy is { } a && double.IsFinite(a) ? a : null,
            tokensPerSecond: progress.TokensPerSecond > 0 && double.IsFinite(progress.TokensPerSecond) ? progress.TokensPerSecond : null,
            eta: progress.Step > 0 ? progress.Eta : null);
        if (progress.ValidationLoss is not null || progress.ValidationAccuracy is not null)
            ReportValidation(step, Finite(progress.ValidationLoss), Finite(progress.ValidationAccuracy));
    }

    /// <summary>Marks the run finished: the bar fills and the ETA shows zero.</summary>
    public void Complete()
    {
        lock (_gate) { _complete = true; _stopped = null; _step = TotalSteps; }
    }

    /// <summary>Marks the run ended before finishing (e.g. "interrupted"): the bar stays where it got to and the ETA goes.</summary>
    public void Stop(string reason)
    {
        lock (_gate) { if (!_complete) _stopped = reason; }
    }

    /// <summary>Loss (left axis) and accuracy (right axis) against step, validation ones too when there are any, as an interactive chart.</summary>
    public PlotlyFigure Figure()
    {
        var series = new List<LineSeries>();
        void Add(string name, IReadOnlyList<(int Step, double Value)> points, bool secondary)
        {
            if (points.Count > 0) series.Add(new LineSeries(name, points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Value).ToArray(), secondary));
        }
        Add("loss", Loss, false);
        Add("accuracy", Accuracy, true);
        Add("validation loss", ValidationLoss, false);
        Add("validation accuracy", ValidationAccuracy, true);
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
        var validationLoss = ValidationLoss;
        var validationAccuracy = ValidationAccuracy;
        var output = new HtmlOutput().AddHeading(Title);
        double percent;
        string details;
        lock (_gate) { percent = Percent(); details = Details(); }
        output.Add($"<div class=\"ttl-progress\" title=\"{percent.ToString("0.#", CultureInfo.InvariantCulture)}%\"><div style=\"width:{percent.ToString("0.##", CultureInfo.InvariantCulture)}%\"></div></div>");
        output.AddText(details);
        if (loss.Count + accuracy.Count + validationLoss.Count + validationAccuracy.Count == 0) return output.ToString();
        if (InteractiveChart) return output.AddChart(Figure()).ToString();
        var sparks = new StringBuilder("<div class=\"ttl-sparks\">");
        void Spark(string name, IReadOnlyList<(int Step, double Value)> points, string color)
        {
            if (points.Count > 0) sparks.Append(SvgLineChart.ToHtml(name, points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Value).ToArray(), color: color));
        }
        Spark("loss", loss, "#1f77b4");
        Spark("accuracy", accuracy, "#2ca02c");
        Spark("validation loss", validationLoss, "#ff7f0e");
        Spark("validation accuracy", validationAccuracy, "#9467bd");
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
        var s = new StringBuilder();
        if (_status is not null) s.Append(_status).Append(", ");
        s.Append(CultureInfo.InvariantCulture, $"step {_step}/{TotalSteps} ({Percent():0}%)");
        if (_loss.Count > 0) s.Append($", loss {Format(_loss[^1].Value)}");
        if (_accuracy.Count > 0) s.Append($", accuracy {Format(_accuracy[^1].Value)}");
        if (_validationLoss.Count > 0) s.Append($", validation loss {Format(_validationLoss[^1].Value)}");
        if (_validationAccuracy.Count > 0) s.Append($", validation accuracy {Format(_validationAccuracy[^1].Value)}");
        if (_tokensPerSecond is { } tps) s.Append($", {Html.Number(Math.Round(tps))} tokens/s");
        if (_complete) s.Append(", done");
        else if (_stopped is not null) s.Append($", stopped ({_stopped})");
        else if ((_reportedEta ?? _estimatedEta) is { } eta) s.Append($", ETA {Duration(eta)}");
        return s.ToString();
    }

    double Percent() => 100.0 * (_complete ? TotalSteps : _step) / TotalSteps;

    // One point per step: a later report for the same step (a trainer's evaluation event repeats its step) replaces it.
    static void Record(List<(int Step, double Value)> series, int step, double value)
    {
        if (series.Count > 0 && series[^1].Step == step) series[^1] = (step, value);
        else series.Add((step, value));
    }

    static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:00}s"
        : $"{Math.Ceiling(t.TotalSeconds):0}s";
}
