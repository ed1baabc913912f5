// Ready-made descriptions for the report form, per finding category code (the seed dictionary's
// codes; a community's own categories simply have none). One tap on a phrase writes the
// description, so a retired volunteer does not have to type on a phone at a stairwell. The worker
// can still edit it before saving.

export const HAZARD_PHRASES = {
  safety_electrical: [
    { zh: '楼道电线私拉乱接', en: 'Makeshift wiring in the stairwell' },
    { zh: '电动车在楼道内充电', en: 'E-bike charging in the stairwell' },
    { zh: '电表箱门损坏，电线裸露', en: 'Meter box door broken, wires exposed' },
  ],
  safety_gas: [
    { zh: '楼道内有燃气味', en: 'Smell of gas in the stairwell' },
    { zh: '燃气管道锈蚀', en: 'Gas pipe rusted' },
  ],
  safety_fire_lane: [
    { zh: '消防通道被车辆占用', en: 'Fire lane blocked by vehicles' },
    { zh: '楼道堆放杂物，堵塞疏散通道', en: 'Clutter blocking the escape route' },
    { zh: '灭火器过期或缺失', en: 'Fire extinguisher expired or missing' },
  ],
  safety_plaster: [
    { zh: '楼道墙皮脱落，有掉落风险', en: 'Plaster peeling in the stairwell, may fall' },
    { zh: '外墙保温层空鼓，有脱落迹象', en: 'Outer wall insulation loose, may fall' },
  ],
  safety_height: [
    { zh: '阳台花盆摆放在外，有坠落风险', en: 'Flower pots outside a balcony, may fall' },
    { zh: '空调外机支架松动', en: 'Air conditioner bracket loose' },
  ],
  env_clutter: [
    { zh: '楼道内堆放杂物', en: 'Clutter in the stairwell' },
    { zh: '绿地内乱堆乱放', en: 'Things dumped on the green' },
  ],
  env_garbage: [
    { zh: '垃圾桶满溢未清运', en: 'Bins overflowing, not collected' },
    { zh: '建筑垃圾乱倒', en: 'Building waste dumped' },
  ],
  env_illegal_structure: [
    { zh: '楼顶私搭乱建', en: 'Illegal structure on the roof' },
    { zh: '一楼私自扩建院墙', en: 'Ground floor wall built out without permission' },
  ],
  facility_flooding: [{ zh: '路面积水，行人难以通过', en: 'Standing water, hard to walk through' }],
  facility_road: [{ zh: '路面破损坑洼，有绊倒风险', en: 'Potholes, people may trip' }],
  facility_lamp: [{ zh: '路灯不亮', en: 'Street lamp out' }, { zh: '楼道灯不亮', en: 'Stairwell light out' }],
  facility_manhole: [{ zh: '井盖缺失或破损', en: 'Manhole cover missing or broken' }],
  public_order: [{ zh: '可疑人员在小区内逗留', en: 'Suspicious person loitering in the estate' }],
  dispute: [{ zh: '邻里因噪音发生纠纷', en: 'Neighbours quarrelling over noise' }],
  livelihood: [{ zh: '居民反映生活困难，需要帮助', en: 'Resident in hardship, needs help' }],
};

/** The phrases of a category code, in the given language ('zh' or 'en'); [] when it has none. */
export function phrasesFor(code, lang = 'zh') {
  return (HAZARD_PHRASES[code] || []).map((p) => (lang === 'en' ? p.en : p.zh));
}
