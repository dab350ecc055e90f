import osmread from 'osm-read';
import osmtogeojson from 'osmtogeojson';
const t = Date.now();
const els = [];
osmread.parse({
  filePath: 'data/demo/monaco-2021.osm.pbf', format: 'pbf',
  node: n => els.push({ type: 'node', id: Number(n.id), lat: n.lat, lon: n.lon, tags: n.tags }),
  way: w => els.push({ type: 'way', id: Number(w.id), nodes: w.nodeRefs.map(Number), tags: w.tags }),
  relation: r => els.push({ type: 'relation', id: Number(r.id), members: r.members.map(m => ({ type: m.type, ref: Number(m.ref), role: m.role })), tags: r.tags }),
  endDocument: () => {
    console.log('parsed', els.length, Date.now() - t);
    console.log(JSON.stringify(els.find(e=>e.type==='relation')).slice(0,300));
    const gj = osmtogeojson({ elements: els }, { flatProperties: true });
    console.log('geojson', gj.features.length, Date.now() - t);
    const admin = gj.features.filter(f => f.properties.boundary === 'administrative');
    for (const f of admin) console.log(f.id, f.properties.admin_level, f.properties.name, f.geometry.type);
    console.log(gj.features.filter(f=>f.properties.building).length, 'buildings');
  },
  error: e => console.error('err', e),
});
