import type { LegendModel, Rgba } from './classes.ts';

export const css = (c: Rgba | [number, number, number]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c.length > 3 ? Math.max(0.25, (c as Rgba)[3] / 255) : 1})`;

/** The legend on screen; export.ts draws the same model into the PNG. */
export function Legend({ model }: { model: LegendModel }) {
  return (
    <section className="analyst-legend" data-testid="analyst-legend">
      <h3>{model.title}</h3>
      {model.gradient && (
        <div className="gradient">
          <span>{model.gradient.low}</span>
          <i style={{ background: `linear-gradient(to right, ${model.gradient.colours.map(css).join(', ')})` }} />
          <span>{model.gradient.high}</span>
        </div>
      )}
      <ul>
        {model.items.map((it) => (
          <li key={it.label} data-class={it.label}>
            <i style={{ background: css(it.colour) }} />
            <span className="label">{it.label}</span>
            {it.count !== undefined && <b>{it.count.toLocaleString()}</b>}
          </li>
        ))}
      </ul>
      {model.note && <p className="note">{model.note}</p>}
    </section>
  );
}
