package tenants

// Seoul is the default tenant set: 서울특별시 (City Hall), the 25 autonomous
// districts with their national institution codes (행정표준기관코드), the city
// council and the main city-funded agencies. Codes are given only where they
// are the published standard codes; the rest are left empty rather than
// guessed.
func Seoul() []Tenant {
	d := func(slug, ko, en, code string) Tenant {
		return Tenant{Slug: slug, NameKo: ko, NameEn: en, Kind: KindDistrict, Code: code, Status: StatusActive, Parent: "seoul"}
	}
	a := func(slug, ko, en string, kind TenantKind) Tenant {
		return Tenant{Slug: slug, NameKo: ko, NameEn: en, Kind: kind, Status: StatusActive, Parent: "seoul"}
	}
	return []Tenant{
		{Slug: "seoul", NameKo: "서울특별시", NameEn: "Seoul Metropolitan Government", Kind: KindCity, Code: "6110000", Status: StatusActive},
		d("jongno-gu", "종로구", "Jongno-gu", "3000000"),
		d("jung-gu", "중구", "Jung-gu", "3010000"),
		d("yongsan-gu", "용산구", "Yongsan-gu", "3020000"),
		d("seongdong-gu", "성동구", "Seongdong-gu", "3030000"),
		d("gwangjin-gu", "광진구", "Gwangjin-gu", "3040000"),
		d("dongdaemun-gu", "동대문구", "Dongdaemun-gu", "3050000"),
		d("jungnang-gu", "중랑구", "Jungnang-gu", "3060000"),
		d("seongbuk-gu", "성북구", "Seongbuk-gu", "3070000"),
		d("gangbuk-gu", "강북구", "Gangbuk-gu", "3080000"),
		d("dobong-gu", "도봉구", "Dobong-gu", "3090000"),
		d("nowon-gu", "노원구", "Nowon-gu", "3100000"),
		d("eunpyeong-gu", "은평구", "Eunpyeong-gu", "3110000"),
		d("seodaemun-gu", "서대문구", "Seodaemun-gu", "3120000"),
		d("mapo-gu", "마포구", "Mapo-gu", "3130000"),
		d("yangcheon-gu", "양천구", "Yangcheon-gu", "3140000"),
		d("gangseo-gu", "강서구", "Gangseo-gu", "3150000"),
		d("guro-gu", "구로구", "Guro-gu", "3160000"),
		d("geumcheon-gu", "금천구", "Geumcheon-gu", "3170000"),
		d("yeongdeungpo-gu", "영등포구", "Yeongdeungpo-gu", "3180000"),
		d("dongjak-gu", "동작구", "Dongjak-gu", "3190000"),
		d("gwanak-gu", "관악구", "Gwanak-gu", "3200000"),
		d("seocho-gu", "서초구", "Seocho-gu", "3210000"),
		d("gangnam-gu", "강남구", "Gangnam-gu", "3220000"),
		d("songpa-gu", "송파구", "Songpa-gu", "3230000"),
		d("gangdong-gu", "강동구", "Gangdong-gu", "3240000"),
		a("smc", "서울특별시의회", "Seoul Metropolitan Council", KindCouncil),
		a("seoul-metro", "서울교통공사", "Seoul Metro", KindPublicCorporation),
		a("sh", "서울주택도시개발공사", "Seoul Housing & Communities Corporation (SH)", KindPublicCorporation),
		a("sisul", "서울시설공단", "Seoul Facilities Corporation", KindPublicCorporation),
		a("garak", "서울특별시농수산식품공사", "Seoul Agro-Fisheries & Food Corporation", KindPublicCorporation),
		a("seoul-energy", "서울에너지공사", "Seoul Energy Corporation", KindPublicCorporation),
		a("si", "서울연구원", "The Seoul Institute", KindAgency),
		a("sfac", "서울문화재단", "Seoul Foundation for Arts and Culture", KindAgency),
		a("sba", "서울경제진흥원", "Seoul Business Agency", KindAgency),
		a("sejong", "세종문화회관", "Sejong Center for the Performing Arts", KindAgency),
		a("sdf", "서울디지털재단", "Seoul Digital Foundation", KindAgency),
		a("seoul-medical", "서울의료원", "Seoul Medical Center", KindAgency),
		a("seoul-welfare", "서울시복지재단", "Seoul Welfare Foundation", KindAgency),
	}
}
