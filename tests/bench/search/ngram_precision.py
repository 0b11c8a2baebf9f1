#!/usr/bin/env python3
"""Which n-gram length to index: document-level precision of phrase queries when a phrase is
looked up as the intersection of its overlapping n-grams (n = 2, 3, 4), on the synthetic corpus.
usage: ngram_precision.py [CORPUS_DIR]   (a gen_corpus.py output; default /tmp/corpus)
"""
import pathlib, re, tomllib, collections, sys, pickle
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '/tmp/corpus') / 'content/plans'
docs = {}
for pd in sorted(root.iterdir()):
    tasks = tomllib.loads((pd/'tasks.toml').read_text())['task']
    for t in tasks:
        docs[(pd.name,t['id'])] = [t['title'], t['text'], ' '.join(t['lead']+t['responsible']), ' '.join(x['text'] for x in t['target'])]
    for f in sorted((pd/'progress').iterdir()):
        s=f.read_text(); parts=s.split('+++\n'); tid=re.search(r'task = "(\d+)"', parts[1]).group(1)
        docs[(pd.name,tid)].append(parts[2])
texts = ['\n'.join(v) for v in docs.values()]
qs = ['污水处理率','碳达峰','市发改委','绿色发展','生态环境保护','森林覆盖率','新能源汽车','城乡生活污水治理','节能降碳','能源消费总量','温室气体排放','长江大保护','绿色低碳循环','污水处理厂','生活垃圾分类','建成区绿地率','水土流失治理']
for n in (2,3,4):
    sets={}
    def grams(q):
        if len(q)<=n: return [q]
        return [q[i:i+n] for i in range(len(q)-n+1)]
    need=set(g for q in qs for g in grams(q))
    for d,t in enumerate(texts):
        for g in need:
            if g in t: sets.setdefault(g,set()).add(d)
    res=[]
    for q in qs:
        cand=set.intersection(*[sets.get(g,set()) for g in grams(q)])
        true=sum(1 for d in cand if q in texts[d])
        res.append((q,len(cand),true))
    tp=sum(r[2] for r in res); tc=sum(r[1] for r in res)
    print(n, 'micro precision', tp/tc, [r for r in res if r[1]!=r[2]])
