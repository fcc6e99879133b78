using MxRef.Vectors.Files;

namespace MxRef.Harness.Commands;

/// <summary>
/// The line loop of the streaming oracles (<c>mxref dot</c>, <c>mxref decode</c>): skips blank and <c>//</c> lines,
/// parses each line, answers it, and on a malformed line either stops with exit 2 naming the line and field or, with
/// <c>--keep-going</c>, answers <c>ERR message</c> and goes on.
/// </summary>
public static class OracleStream
{
    /// <summary>Parses one trimmed input line into the caller's vector; throws <see cref="FieldException"/>.</summary>
    public delegate void LineParser(ReadOnlySpan<char> line);

    public static int Run(TextReader input, TextWriter output, TextWriter error, string command, bool flush, bool keepGoing,
        LineParser parse, Func<string> answer)
    {
        long lineNo = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNo++;
            var span = line.AsSpan().Trim();
            if (span.IsEmpty || span.StartsWith("//")) continue;
            try
            {
                parse(span);
            }
            catch (FieldException e)
            {
                string message = $"line {lineNo}: field {e.Field}: {e.Message}";
                if (!keepGoing)
                {
                    output.Flush();
                    error.WriteLine($"{command}: {message}");
                    return Cli.ExitUsage;
                }
                output.WriteLine($"ERR {message}");
                if (flush) output.Flush();
                continue;
            }
            output.WriteLine(answer());
            if (flush) output.Flush();
        }
        output.Flush();
        return Cli.ExitOk;
    }
}
