package event

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestReadersReadEveryField: a field added to a detail struct must be added to its reader
// too, or the reader would skip its member while Decode reads it. An event with every field
// of the struct set (by reflection, so a field added later is set as well) must be read by
// the reader itself, not left to Decode, and read as Decode reads it.
func TestReadersReadEveryField(t *testing.T) {
	for name, check := range map[string]func(*testing.T){
		"Task":                    readsEveryField[Task],
		"ServiceAction":           readsEveryField[ServiceAction],
		"Deployment":              readsEveryField[Deployment],
		"ContainerInstance":       readsEveryField[ContainerInstance],
		"HookStateChange":         readsEveryField[HookStateChange],
		"DaemonServiceAction":     readsEveryField[DaemonServiceAction],
		"DaemonDeployment":        readsEveryField[DaemonDeployment],
		"ContainerInstanceHealth": readsEveryField[ContainerInstanceHealth],
		"AlarmStateChange":        readsEveryField[AlarmStateChange],
		"CloudTrail":              readsEveryField[CloudTrail],
		"Health":                  readsEveryField[Health],
		"ScalingActivity":         readsEveryField[ScalingActivity],
	} {
		t.Run(name, check)
	}
}

func readsEveryField[D Detail](t *testing.T) {
	var v struct {
		EventBridge
		Detail D `json:"detail"`
	}
	fill(reflect.ValueOf(&v).Elem())
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ev, d, ok := fast[D](data)
	if !ok {
		t.Fatalf("reader left to Decode an event with every field set:\n%s", data)
	}
	wantEv, wantD, err := viaDecode[D](data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ev, wantEv) || !reflect.DeepEqual(d, wantD) {
		t.Fatalf("reader read\n%#v\n%#v\nDecode read\n%#v\n%#v\nfrom %s", ev, d, wantEv, wantD, data)
	}
}

// fill sets every exported field of v, and one element of each list and map, to a value that
// is not its zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // json.RawMessage: the envelope's detail, shadowed
			v.SetBytes([]byte("null"))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}
