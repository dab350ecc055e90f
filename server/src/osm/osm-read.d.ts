// osm-read and osmtogeojson ship no types; these cover what Wangge calls.
declare module 'osm-read' {
  // The callbacks' element shapes are declared where they are used (read-pbf.ts).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped library callbacks
  const osmread: { parse(opts: Record<string, any>): { pause(): void; resume(): void } };
  export default osmread;
}
declare module 'osmtogeojson' {
  function osmtogeojson(data: unknown, opts?: { flatProperties?: boolean }): unknown;
  export default osmtogeojson;
}
