namespace TtLora.Extension.Formatting;

/// <summary>
/// The one stylesheet every HTML output carries inline (outputs must render offline and on their own).
/// All rules are scoped under <c>.ttl</c> so they never restyle the host page, and colours are translucent
/// so the same output reads on light and dark notebook themes.
/// </summary>
internal static class HtmlStyles
{
    public const string RootClass = "ttl";

    public const string Css = """
        .ttl{font-family:var(--jp-ui-font-family,var(--vscode-font-family,system-ui,-apple-system,"Segoe UI",sans-serif));font-size:13px;line-height:1.4;color:inherit}
        .ttl h4{margin:.6em 0 .3em;font-size:14px;font-weight:600}
        .ttl table.ttl-table{border-collapse:collapse;margin:.3em 0;font-variant-numeric:tabular-nums}
        .ttl .ttl-table caption{text-align:left;font-weight:600;padding:.2em 0}
        .ttl .ttl-table th,.ttl .ttl-table td{border:1px solid rgba(128,128,128,.35);padding:.25em .6em;text-align:left;vertical-align:top}
        .ttl .ttl-table th{background:rgba(128,128,128,.14);font-weight:600}
        .ttl .ttl-table td.num{text-align:right}
        .ttl .hl-best{background:rgba(46,160,67,.28);font-weight:600}
        .ttl .hl-chosen{background:rgba(255,160,0,.30);outline:2px solid rgba(255,140,0,.9);outline-offset:-2px;font-weight:600}
        .ttl .hl-warn{background:rgba(220,50,47,.22)}
        .ttl .hl-muted{opacity:.6}
        .ttl .ttl-card{display:inline-block;border:1px solid rgba(128,128,128,.35);border-radius:6px;padding:.4em .8em;margin:.3em 0;min-width:18em}
        .ttl .ttl-card .ttl-card-title{font-weight:600;margin-bottom:.3em}
        .ttl .ttl-card table{border-collapse:collapse}
        .ttl .ttl-card th{text-align:left;font-weight:500;opacity:.75;padding:.1em 1.2em .1em 0;vertical-align:top}
        .ttl .ttl-card td{padding:.1em 0;vertical-align:top;text-align:left}
        .ttl .ttl-chips{display:flex;flex-wrap:wrap;gap:4px;margin:.3em 0}
        .ttl .ttl-chip{display:inline-flex;flex-direction:column;align-items:center;border:1px solid rgba(128,128,128,.45);border-radius:4px;padding:1px 5px;background:rgba(128,128,128,.10)}
        .ttl .ttl-chip .ttl-chip-label{font-family:var(--jp-code-font-family,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace);white-space:pre}
        .ttl .ttl-chip .ttl-chip-caption{font-size:10px;opacity:.7;font-variant-numeric:tabular-nums}
        .ttl .ttl-chip.hl-best,.ttl .ttl-chip.hl-chosen{border-color:rgba(46,160,67,.9)}
        .ttl .ttl-ws{opacity:.55}
        .ttl .ttl-text{font-family:var(--jp-code-font-family,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace);white-space:pre-wrap;border-left:3px solid rgba(128,128,128,.45);padding:.3em .6em;margin:.3em 0}
        .ttl .ttl-text .ttl-new{background:rgba(46,160,67,.28);border-radius:2px}
        .ttl .ttl-bars{display:grid;grid-template-columns:max-content minmax(8em,24em) max-content;gap:2px .6em;align-items:center;margin:.3em 0}
        .ttl .ttl-bar-track{background:rgba(128,128,128,.14);height:.9em;border-radius:2px}
        .ttl .ttl-bar{background:rgba(31,119,180,.75);height:100%;border-radius:2px}
        .ttl .ttl-bars .hl-chosen .ttl-bar,.ttl .ttl-bars .hl-best .ttl-bar{background:rgba(255,140,0,.9)}
        .ttl .ttl-bars .hl-chosen,.ttl .ttl-bars .hl-best{background:none;outline:none}
        .ttl .ttl-heat td{text-align:right;min-width:3em}
        .ttl .ttl-muted{opacity:.7;font-size:12px}
        .ttl ol.ttl-steps{margin:.2em 0 .4em 1.4em;padding:0}
        .ttl .ttl-progress{height:.7em;width:24em;max-width:100%;background:rgba(128,128,128,.18);border-radius:4px;overflow:hidden;margin:.3em 0}
        .ttl .ttl-progress>div{height:100%;background:rgba(46,160,67,.8)}
        .ttl .ttl-sparks{display:flex;flex-wrap:wrap;gap:1em}
        .ttl svg.ttl-svg text{fill:currentColor;font-size:10px}
        """;
}
