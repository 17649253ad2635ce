namespace TtLora.Core.Data;

/// <summary>
/// What a classification task is: its name, the field(s) holding the input text, the label field and the
/// ordered label names (a label's index is its position here). Several text fields are flattened into one input
/// with <see cref="Template"/>; without a template they are joined with a newline.
/// </summary>
public sealed record TaskDefinition
{
    /// <summary>Short identifier, e.g. <c>spam</c>.</summary>
    public string Name { get; }

    /// <summary>One or two sentences saying what is classified and how the labels are defined.</summary>
    public string Description { get; }

    /// <summary>The input field(s), in the order they are joined when there is no template.</summary>
    public IReadOnlyList<string> TextFields { get; }

    /// <summary>The field holding the label (a name or an index).</summary>
    public string LabelField { get; }

    /// <summary>Label names; a label's index is its position in this list.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Optional template flattening several fields into one text, e.g. <c>"premise: {premise} hypothesis: {hypothesis}"</c>.</summary>
    public string? Template { get; }

    readonly TextTemplate? _template;

    public TaskDefinition(string name, string description, IReadOnlyList<string> labelNames,
        IReadOnlyList<string>? textFields = null, string labelField = "label", string? template = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new TtLoraException("task definition: the name must not be empty");
        Name = name;
        Description = description;
        TextFields = (textFields ?? ["text"]).ToArray();
        LabelField = labelField;
        LabelNames = labelNames.ToArray();
        Template = template;
        if (TextFields.Count == 0) throw new TtLoraException($"task '{name}': at least one text field is needed");
        if (LabelNames.Count < 2) throw new TtLoraException($"task '{name}': a classification task needs at least 2 labels, got {LabelNames.Count}");
        var duplicate = LabelNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TtLoraException($"task '{name}': label name '{duplicate.Key}' appears twice");
        if (template is not null)
        {
            _template = TextTemplate.Parse(template);
            var unknown = _template.Fields.Where(f => !TextFields.Contains(f)).ToArray();
            if (unknown.Length > 0)
                throw new TtLoraException($"task '{name}': template uses {string.Join(", ", unknown.Select(u => $"{{{u}}}"))}, which is not among the text fields ({string.Join(", ", TextFields)})");
        }
    }

    /// <summary>The single model input built from the text fields.</summary>
    public string ComposeText(Func<string, string> fieldValue) =>
        _template is not null ? _template.Render(fieldValue)
        : TextFields.Count == 1 ? fieldValue(TextFields[0])
        : string.Join("\n", TextFields.Select(fieldValue));

    /// <summary>The index of <paramref name="labelName"/>; an unknown name is an error listing the known ones.</summary>
    public int LabelIndex(string labelName)
    {
        for (int i = 0; i < LabelNames.Count; i++)
            if (string.Equals(LabelNames[i], labelName, StringComparison.Ordinal)) return i;
        throw new TtLoraException($"task '{Name}': label '{labelName}' is not one of {string.Join(", ", LabelNames)}");
    }
}
